// Load .sb3 files in the reference scratch-vm, as Scratch 3 does when it opens them.
// usage: node load.js [--resave DIR] FILE.sb3...
// Exits 0 when every file loaded, 1 when one failed to (its error on stderr), 3 when
// loading did not finish in time. With --resave, writes what the VM saves back for each
// file (vm.toJSON(), as Scratch's "Save to your computer" does) to DIR/<name>.json.
'use strict';
const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
let resave = null;
if (args[0] === '--resave') {
    resave = args[1];
    args.splice(0, 2);
}
const VirtualMachine = require('scratch-vm');
const storageModule = require('scratch-storage');
const ScratchStorage = storageModule.ScratchStorage || storageModule.default || storageModule;

// the VM's log goes to stdout; keep only what we say there
require('minilog').disable();

const load = async (file) => {
    const vm = new VirtualMachine();
    // a storage without web stores: every costume and sound must come from the file itself
    vm.attachStorage(new ScratchStorage());
    await vm.loadProject(fs.readFileSync(file));
    const costumes = vm.runtime.targets.reduce((n, t) => n + t.getCostumes().length, 0);
    if (resave) {
        const name = path.basename(file, path.extname(file));
        fs.writeFileSync(path.join(resave, `${name}.json`), vm.toJSON());
    }
    console.log(`loaded ${file}: ${vm.runtime.targets.length} targets, ${costumes} costumes`);
};

const timer = setTimeout(() => {
    console.error('loading did not finish in 120 s');
    process.exit(3);
}, 120000);

(async () => {
    for (const file of args) {
        try {
            await load(file);
        } catch (err) {
            console.error(`could not load ${file}: ${(err && err.stack) || err}`);
            process.exit(1);
        }
    }
    clearTimeout(timer);
    process.exit(0);
})();
