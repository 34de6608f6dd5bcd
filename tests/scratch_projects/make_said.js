#!/usr/bin/env node
// Runs every NAME.json in this folder (bare project.json files written by build.py) in the
// reference scratch-vm and writes NAME.said beside it: every non-empty text said or thought,
// converted as JS String() does, one per line, in order.
// tests/test_scratch_semantics.py checks dojokit's runtime against those files.
//
//   node tests/scratch_projects/make_said.js [path/to/scratch-vm] [NAME ...]
//
// The scratch-vm package is found from the first argument (if it is a folder), else
// $SCRATCH_VM, else /tmp/svm/node_modules/scratch-vm. Like ../shared/conformance: headless
// (no renderer, no storage), compatibility mode (30 fps), turbo off, green flag, until no
// thread is left after a frame. Each project runs RUNS times; differing runs are an error
// (the projects must not depend on timing).

'use strict';

const fs = require('fs');
const path = require('path');

const args = process.argv.slice(2);
let vmRoot = process.env.SCRATCH_VM || '/tmp/svm/node_modules/scratch-vm';
if (args.length && fs.existsSync(args[0]) && fs.statSync(args[0]).isDirectory()) {
    vmRoot = args.shift();
}
vmRoot = path.resolve(vmRoot);
const VirtualMachine = require(vmRoot);
const vmVersion = require(path.join(vmRoot, 'package.json')).version;

const RUNS = Number(process.env.RUNS || 3);
const TIMEOUT_MS = 60000;

// scratch-vm logs a warning for every costume it cannot load without storage
require(require.resolve('minilog', {paths: [vmRoot]})).disable();

// scratch-vm never ends by itself: like dojokit (docs/scratch.md), a run ends when no thread
// is left and no hat can start one any more. With nothing running, only a "when timer >" hat
// that has not fired yet can still fire, as the timer passes any finite value (loudness never
// rises headless; nothing moves, so touching cannot change). Its value must be a literal here.
const timerHatMayFire = rt => {
    const Cast = require(path.join(vmRoot, 'src/util/cast.js'));
    for (const target of rt.executableTargets) {
        const blocks = target.blocks._blocks;
        for (const id in blocks) {
            const b = blocks[id];
            if (b.opcode !== 'event_whengreaterthan' || !b.topLevel) continue;
            if (String(b.fields.WHENGREATERTHANMENU.value).toLowerCase() !== 'timer') continue;
            if (target._edgeActivatedHatValues[id]) continue; // fired already; stays true
            const shadow = blocks[b.inputs.VALUE.shadow];
            const value = Cast.toNumber(shadow.fields.NUM ? shadow.fields.NUM.value :
                Object.values(shadow.fields)[0].value);
            // not fired yet: the timer passes any finite value, now or later
            if (Number.isFinite(value)) return true;
        }
    }
    return false;
};

const runOnce = json => new Promise((resolve, reject) => {
    const vm = new VirtualMachine();
    vm.setCompatibilityMode(true);
    vm.setTurboMode(false);
    const lines = [];
    vm.runtime.on('SAY', (target, type, text) => {
        const s = String(text);
        if (s !== '') lines.push(s);
    });
    vm.loadProject(json).then(() => {
        const rt = vm.runtime;
        const started = Date.now();
        const step = rt._step.bind(rt);
        // check after each frame, as the shared conformance runs did
        rt._step = () => {
            step();
            if (rt.threads.length === 0 && !timerHatMayFire(rt)) {
                vm.quit();
                resolve(lines);
            } else if (Date.now() - started > TIMEOUT_MS) {
                vm.quit();
                reject(new Error('did not end'));
            }
        };
        vm.start();
        vm.greenFlag();
    }, reject);
});

const main = async () => {
    let names = args;
    if (!names.length) {
        names = fs.readdirSync(__dirname).filter(f => f.endsWith('.json'))
            .map(f => f.slice(0, -5)).sort();
    }
    let failed = 0;
    for (const name of names) {
        const json = fs.readFileSync(path.join(__dirname, `${name}.json`), 'utf8');
        try {
            const runs = [];
            for (let i = 0; i < RUNS; i++) runs.push(await runOnce(json));
            const text = runs[0].map(l => `${l}\n`).join('');
            if (runs.some(r => r.join('\n') !== runs[0].join('\n'))) {
                throw new Error('runs differ: the project depends on timing');
            }
            fs.writeFileSync(path.join(__dirname, `${name}.said`), text);
            process.stdout.write(`${name}: ${runs[0].length} lines\n`);
        } catch (e) {
            failed++;
            process.stdout.write(`${name}: ERROR ${e.message}\n`);
        }
    }
    process.stdout.write(`scratch-vm ${vmVersion}, ${names.length - failed} of ${names.length} ok\n`);
    process.exitCode = failed ? 1 : 0;
};

main();
