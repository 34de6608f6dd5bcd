#!/usr/bin/env node
// Writes pen.json: sequences of pen blocks and the pen state scratch-vm itself keeps after
// each step, from its real src/extensions/scratch3_pen/index.js run headless (no renderer,
// as `dojokit run` runs). tests/test_scratch_pen.py checks dojokit.scratch.pen against the
// file (CI has no Node). Run it after changing the cases, then look at the diff:
//
//   node tests/scratch_vectors/make_pen_vectors.js [path/to/scratch-vm]
//
// The scratch-vm package is found from the argument, else $SCRATCH_VM, else
// tests/scratchvm/node_modules/scratch-vm.
//
// A case is [steps, states]: steps are [block, args] ([block] for blocks without inputs)
// run one after the other on one sprite; "clone" makes a clone of the current target (the
// real makeClone, so the real targetWasCreated handler copies the pen state) and goes on with
// the clone, "original" goes back to the sprite itself. states[i] is the state after
// steps[i]: null while the target has no pen state yet, else
// [penDown, color, saturation, brightness, transparency, shade, [r, g, b, a], diameter].
// Numbers are encoded as in cast.json ({"num": "NaN"|"Infinity"|"-Infinity"|"-0"});
// a JSON null inside a state is what a clone holds where its source held NaN or Infinity
// (scratch-vm copies pen state through JSON).
// "project" holds the pen state of every target once pen_project.json (beside this file) has
// run in the real VM: [sprite name, is the original, state].

'use strict';

const fs = require('fs');
const path = require('path');

const vmRoot = path.resolve(
    process.argv[2] || process.env.SCRATCH_VM ||
    path.join(__dirname, '..', 'scratchvm', 'node_modules', 'scratch-vm'));
const Runtime = require(path.join(vmRoot, 'src/engine/runtime.js'));
const Sprite = require(path.join(vmRoot, 'src/sprites/sprite.js'));
const Pen = require(path.join(vmRoot, 'src/extensions/scratch3_pen/index.js'));
const VirtualMachine = require(vmRoot);
const vmVersion = require(path.join(vmRoot, 'package.json')).version;
require(require.resolve('minilog', {paths: [vmRoot]})).disable();

const {enc} = require('./jsvalue.js');

// which argument each block takes (the menu argument first)
const ARGS = {
    setPenColorToColor: ['COLOR'],
    changePenColorParamBy: ['COLOR_PARAM', 'VALUE'],
    setPenColorParamTo: ['COLOR_PARAM', 'VALUE'],
    changePenSizeBy: ['SIZE'],
    setPenSizeTo: ['SIZE'],
    setPenHueToNumber: ['HUE'],
    changePenHueBy: ['HUE'],
    setPenShadeToNumber: ['SHADE'],
    changePenShadeBy: ['SHADE'],
    penDown: [],
    penUp: [],
    clear: [],
    stamp: []
};

const runCase = steps => {
    const runtime = new Runtime();
    const pen = new Pen(runtime);
    const sprite = new Sprite(null, runtime);
    const original = sprite.createClone();
    let target = original;
    const states = [];
    for (const [block, ...args] of steps) {
        if (block === 'clone') {
            target = target.makeClone();
        } else if (block === 'original') {
            target = original;
        } else {
            const named = {};
            ARGS[block].forEach((name, i) => {
                named[name] = args[i];
            });
            pen[block](named, {target});
        }
        const s = target.getCustomState(Pen.STATE_KEY);
        states.push(s ? [
            s.penDown, s.color, s.saturation, s.brightness, s.transparency, s._shade,
            s.penAttributes.color4f.slice(), s.penAttributes.diameter
        ] : null);
    }
    const encState = s => (s === null ? null : s.map(v => (Array.isArray(v) ? v.map(enc) : enc(v))));
    return [steps.map(step => step.map(enc)), states.map(encState)];
};

// -- the values ------------------------------------------------------------------------------

const NUMBERS = [
    0, -0, 1, -1, 0.5, 10, 25, 33.3, 49.99, 50, 66.66, 99.5, 100, 100.5, 101, 150, 199, 200,
    201, 250, -10, -50, -100, -101, -150, -199, -200, -201, -250, 1199, 1200, 1201, 5000,
    1e10, -1e10, 1e21, 1e308, -1e308, 5e-324, 0.1 + 0.2, Infinity, -Infinity, NaN
];
const TEXTS = [
    '', ' ', '10', ' 25 ', '-30', '1e2', '0x1F', '0b11', '12abc', 'abc', 'Infinity',
    '-Infinity', 'NaN', true, false
];
const COLOURS = [
    '#ff0000', '#00ff00', '#0000ff', '#FFFFFF', '#000000', '#808080', '#855cd6', '#4c97ff',
    '#f00', '#F0A', '#abc', '#ff000080', '#12345', '#gg0000', '#', '#ff0000 ', ' #ff0000',
    'ff0000', '#0x1234', '#ffff00', '#00ffff', '#ff00ff', '#7f7f00', '#010203', '#fe0102',
    '#c0ffee', '#٠٠٠', '#ff0000\n',
    0, 255, 65280, 16711680, 16777215, 0xff00ff, 0x123456, -1, -16777216, 0x80ff0000,
    0x01000000, 0xff00ff00, 4294967296 + 255, 1.5e10, 255.7, -255.7, 1e21, Infinity, NaN,
    '16711680', '0xff0000', '-1', 'red', '', true
];
const PARAMS = ['color', 'saturation', 'brightness', 'transparency', 'COLOR', 'hue', '', 5];

const cases = [];
const add = steps => cases.push(runCase(steps));

// every block on its own, from the default state, with every value
for (const c of COLOURS) add([['setPenColorToColor', c]]);
for (const block of ['changePenSizeBy', 'setPenSizeTo', 'setPenHueToNumber', 'changePenHueBy',
    'setPenShadeToNumber', 'changePenShadeBy']) {
    for (const v of NUMBERS.concat(TEXTS)) add([[block, v]]);
}
for (const param of PARAMS) {
    for (const v of NUMBERS.concat(TEXTS)) {
        add([['setPenColorParamTo', param, v]]);
        add([['changePenColorParamBy', param, v]]);
    }
}
for (const block of ['penDown', 'penUp', 'clear', 'stamp']) add([[block]]);

// from other states: a colour first, then each parameter block
const STARTS = [['setPenColorToColor', '#855cd6'], ['setPenColorToColor', 0x40123456],
    ['setPenShadeToNumber', 170], ['setPenColorParamTo', 'color', Infinity]];
for (const start of STARTS) {
    for (const v of [-250, -30, 7.5, 30, 99, 250, '1e3', Infinity, NaN]) {
        for (const param of PARAMS.slice(0, 4)) add([start, ['changePenColorParamBy', param, v]]);
        add([start, ['changePenShadeBy', v]]);
        add([start, ['changePenHueBy', v]]);
        add([start, ['changePenSizeBy', v]]);
    }
}

// pen up and down, and clones: a clone copies the pen state of the sprite's original
add([['penDown'], ['penDown'], ['penUp'], ['penUp'], ['penDown']]);
add([['penUp'], ['clone']]);
add([['clone'], ['penDown'], ['original']]);
add([['penDown'], ['setPenColorToColor', '#ff8000'], ['setPenSizeTo', 7], ['clone'],
    ['penUp'], ['changePenSizeBy', 3], ['original'], ['clone']]);
add([['setPenColorParamTo', 'color', 40], ['clone'], ['setPenColorParamTo', 'color', 90],
    ['clone'], ['changePenColorParamBy', 'color', 5]]);
add([['setPenColorParamTo', 'color', Infinity], ['clone'], ['changePenColorParamBy', 'color', 5]]);
add([['setPenShadeToNumber', Infinity], ['clone'], ['changePenShadeBy', 30]]);
add([['setPenShadeToNumber', 'Infinity'], ['clone'], ['changePenColorParamBy', 'saturation', -10]]);
add([['setPenColorParamTo', 'transparency', -0], ['changePenSizeBy', -0], ['clone']]);

// NaN reached through Infinity, then the blocks that work from it
for (const next of [['changePenShadeBy', 30], ['changePenShadeBy', NaN], ['changePenHueBy', 20],
    ['setPenHueToNumber', 20], ['changePenColorParamBy', 'brightness', 10],
    ['setPenColorParamTo', 'saturation', 40], ['setPenShadeToNumber', 20],
    ['setPenColorToColor', '#123456']]) {
    add([['setPenShadeToNumber', Infinity], next, ['changePenShadeBy', 5]]);
    add([['changePenHueBy', -Infinity], next, ['changePenShadeBy', 5]]);
    add([['changePenColorParamBy', 'color', 'Infinity'], next, ['changePenShadeBy', 5]]);
}

// random walks over all blocks (a fixed seed: the file stays the same from run to run)
let seed = 20261204;
const rand = n => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
};
const pick = xs => xs[rand(xs.length)];
const BLOCKS = Object.keys(ARGS);
for (let i = 0; i < 300; i++) {
    const steps = [];
    const length = 3 + rand(8);
    for (let j = 0; j < length; j++) {
        const r = rand(40);
        if (r === 0) {
            steps.push(['clone']);
            continue;
        }
        if (r === 1) {
            steps.push(['original']);
            continue;
        }
        const block = pick(BLOCKS);
        const values = rand(4) === 0 ? NUMBERS.concat(TEXTS) :
            [-150, -40, -7, -1.5, 0, 3, 12.5, 20, 45, 60, 85, 130, 210, '15', '#3a7'];
        if (block === 'setPenColorToColor') steps.push([block, pick(COLOURS)]);
        else if (ARGS[block].length === 2) steps.push([block, pick(PARAMS.slice(0, 5)), pick(values)]);
        else if (ARGS[block].length === 1) steps.push([block, pick(values)]);
        else steps.push([block]);
    }
    add(steps);
}

// -- a whole project ---------------------------------------------------------------------------
// pen_project.json run in the real VM as `dojokit run` runs it (headless, green flag, until no
// thread is left): the pen state every target ends with, in the runtime's target order.

const runProject = () => new Promise((resolve, reject) => {
    const vm = new VirtualMachine();
    vm.setCompatibilityMode(true);
    vm.setTurboMode(false);
    const json = fs.readFileSync(path.join(__dirname, 'pen_project.json'), 'utf8');
    vm.loadProject(json).then(() => {
        const rt = vm.runtime;
        const step = rt._step.bind(rt);
        let frames = 0;
        rt._step = () => {
            step();
            frames++;
            if (rt.threads.length === 0 || frames > 300) {
                vm.quit();
                if (frames > 300) reject(new Error('the project did not end'));
                resolve(rt.targets.map(t => {
                    const st = t.getCustomState(Pen.STATE_KEY);
                    return [t.getName(), t.isOriginal, st ? [
                        st.penDown, st.color, st.saturation, st.brightness, st.transparency,
                        st._shade, st.penAttributes.color4f.map(enc), st.penAttributes.diameter
                    ].map(v => (Array.isArray(v) ? v : enc(v))) : null];
                }));
            }
        };
        vm.start();
        vm.greenFlag();
    }, reject);
});

// -- write -----------------------------------------------------------------------------------

const asciiJson = v => JSON.stringify(v).replace(
    /[\u007f-\uffff]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
runProject().then(project => {
    const lines = [
        '{',
        `  "scratch_vm": ${JSON.stringify(vmVersion)},`,
        `  "node": ${JSON.stringify(process.version)},`,
        '  "encoding": "each case is [steps, states]; see make_pen_vectors.js",',
        `  "project": ${asciiJson(project)},`,
        '  "cases": [',
        cases.map(c => `    ${asciiJson(c)}`).join(',\n'),
        '  ]',
        '}',
        ''
    ];
    const out = path.join(__dirname, 'pen.json');
    fs.writeFileSync(out, lines.join('\n'));
    process.stdout.write(`wrote ${out}: ${cases.length} cases and a project's ${project.length} ` +
        `targets from scratch-vm ${vmVersion}\n`);
}, err => {
    process.stderr.write(`${err.stack || err}\n`);
    process.exit(1);
});
