#!/usr/bin/env node
// Writes cast.json: inputs and the outputs scratch-vm itself gives for them, from its real
// src/util/cast.js, src/blocks/scratch3_operators.js and src/blocks/scratch3_data.js.
// tests/test_scratch_cast.py checks dojokit.scratch.cast / .operators against the file
// (CI has no Node). Run it after changing the cases, then look at the diff:
//
//   node tests/scratch_vectors/make_cast_vectors.js [path/to/scratch-vm]
//
// The scratch-vm package is found from the argument, else $SCRATCH_VM, else
// /tmp/svm/node_modules/scratch-vm.
//
// Encoding (also written into the file under "encoding"):
//   finite numbers other than -0 are JSON numbers (always doubles: 3 means 3.0);
//   {"num": "NaN" | "Infinity" | "-Infinity" | "-0"} are the numbers JSON cannot hold;
//   {"list": [...]} is a list argument (data_listcontents);
//   strings and booleans are themselves (lone UTF-16 surrogates appear as \udXXX escapes).
// Each case is [args, result]; a case named "f/g/h" holds the results of f, g and h on the
// same args, as a list. "random" draws are not random here: Math.random is replaced
// by a stub returning the case's "draw" value, and the Python side passes an rng whose
// random() returns the same value.

'use strict';

const fs = require('fs');
const path = require('path');

const vmRoot = path.resolve(
    process.argv[2] || process.env.SCRATCH_VM || '/tmp/svm/node_modules/scratch-vm');
const Cast = require(path.join(vmRoot, 'src/util/cast.js'));
const Operators = require(path.join(vmRoot, 'src/blocks/scratch3_operators.js'));
const DataBlocks = require(path.join(vmRoot, 'src/blocks/scratch3_data.js'));
const vmVersion = require(path.join(vmRoot, 'package.json')).version;

const ops = new Operators(null);
const data = new DataBlocks(null);

const {enc} = require('./jsvalue.js');

// Math.random replaced for one call, so "random" cases are deterministic
const withDraw = (draw, fn) => {
    const real = Math.random;
    Math.random = () => draw;
    try {
        return fn();
    } finally {
        Math.random = real;
    }
};

const cases = {};
const add = (name, args, result) => {
    const out = name.includes('/') ? result.map(enc) : enc(result);
    (cases[name] = cases[name] || []).push([args.map(enc), out]);
};

// -- value pools ---------------------------------------------------------------------------

const NUMBERS = [
    0, -0, 1, -1, 0.1, 0.2, 0.1 + 0.2, 0.5, -0.5, 1.5, -2.5, 2.5, 3, -7, 7, 10, 100, 1 / 3,
    -1 / 3, 123.456, 1e21, 1e-7, 1.5e-7, 1e-6, 123456789012345680000, 999999999999999900000,
    1e20, 2 ** 53, 2 ** 53 + 2, 2 ** 31, 4503599627370497, 1e300, -1e300, 5e-324,
    1.7976931348623157e308, 0.49999999999999994, Infinity, -Infinity, NaN, 1e16, 255,
];

const STRINGS = [
    '', ' ', '  ', '  12  ', '\t\n', '\u00a0', '\u3000', '\ufeff5', '\u180e5', '\u20285',
    '\u00855', '\u001c5', '\u000b7\u000c', '0', '-0', '+0', '+5', '-5', '.5', '5.', '-.5e-3',
    '1.e3', '1e3', '1E3', '1e', '1e+', '.', '+', '-', '..5', '0x', '0x1F', '0X1f', ' 0x10 ',
    '-0x10', '+0x10', '0b101', '0B2', '0o17', '0O8', '017', '08', '1_000', '1,000',
    'Infinity', '-Infinity', '+Infinity', 'infinity', 'INFINITY', 'inf', 'NaN', 'nan', 'true',
    'false', 'FALSE', 'False', 'abc', 'ABC', 'a', 'A', 'apple', 'APPLE', '10', '9', '1.0',
    '1.50', '12abc', '0.1', '0.30000000000000004', '1e21', '1e400', '-1e400', '1e-400',
    '123456789012345678901234567890', '0xffffffffffffffffffff', '\u0661\u0662',
    '\uff11\uff12', '😀', 'a😀b', '😀😀', 'é', 'É', 'ß', 'İ', 'Σ', 'ΑΣ', '\uff01', 'last', 'all',
    'random', 'any', 'LAST', '3.7', '-2.5', '2.5',
];

const BOOLS = [true, false];
const ALL_VALUES = [...NUMBERS, ...STRINGS, ...BOOLS];

// -- cast.js -------------------------------------------------------------------------------

for (const v of ALL_VALUES) {
    add('to_number/to_string/to_boolean/is_int/is_whitespace', [v], [Cast.toNumber(v),
        Cast.toString(v), Cast.toBoolean(v), Cast.isInt(v), Cast.isWhiteSpace(v)]);
}

const COMPARE_POOL = [
    0, -0, 1, -1, 0.5, 10, 9, 1e21, Infinity, -Infinity, NaN, '', ' ', '\t', '0', '-0', '1',
    '10', '9', '1.0', ' 1 ', '0x10', '16', 'Infinity', '-Infinity', 'NaN', 'nan', 'a', 'A',
    'b', 'B', 'abc', 'ABD', 'apple', 'é', 'É', '😀', '\uff01', 'true', 'TRUE', 'false', true,
    false,
];
for (const a of COMPARE_POOL) {
    for (const b of COMPARE_POOL) {
        const args = {OPERAND1: a, OPERAND2: b};
        add('compare/lt/equals/gt', [a, b],
            [Cast.compare(a, b), ops.lt(args), ops.equals(args), ops.gt(args)]);
    }
}

const INDEXES = [
    1, 2, 3, 0, -1, 1.9, 0.5, 3.5, 10, 11, Infinity, -Infinity, NaN, '1', '2.9', ' 2 ', '',
    'last', 'LAST', 'all', 'ALL', 'abc', '0x2', true, false,
];
for (const length of [0, 1, 3, 10]) {
    for (const acceptAll of [true, false]) {
        for (const index of INDEXES) {
            add('to_list_index', [index, length, acceptAll],
                Cast.toListIndex(index, length, acceptAll));
        }
        for (const index of ['random', 'any']) {
            for (const draw of [0, 0.3, 0.5, 0.9999999999999999]) {
                add('to_list_index_draw', [draw, index, length, acceptAll],
                    withDraw(draw, () => Cast.toListIndex(index, length, acceptAll)));
            }
        }
    }
}

// -- scratch3_operators.js -----------------------------------------------------------------

const ARITH = [
    0, -0, 1, -1, 3, -7, 7, 0.1, 0.2, 2.5, -2.5, 1e308, 5e-324, Infinity, -Infinity, NaN, '',
    '3', ' 4 ', 'abc', '0x10', true,
];
for (const a of ARITH) {
    for (const b of ARITH) {
        const args = {NUM1: a, NUM2: b};
        add('add/subtract/multiply/divide/mod', [a, b], [ops.add(args), ops.subtract(args),
            ops.multiply(args), ops.divide(args), ops.mod(args)]);
    }
}
for (const [a, b] of [[-5, 1e300], [-1e-300, 1e300], [5, -Infinity], [-5, Infinity],
    [-6, 3], [6, -3], [5.5, 2], [-5.5, 2], [5.5, -2], [1e17, 3], [-1, 1e-320]]) {
    add('mod', [a, b], ops.mod({NUM1: a, NUM2: b}));
}

const ROUNDS = [
    0, -0, 0.4, -0.4, 0.5, -0.5, 0.49999999999999994, -0.49999999999999994, 1.5, 2.5, -1.5,
    -2.5, -2.6, 2.4999999999999996, 4503599627370495.5, 4503599627370497, -4503599627370495.5,
    1e300, Infinity, -Infinity, NaN, '2.5', '-2.5', 'abc', '', true,
];
for (const v of ROUNDS) add('round', [v], ops.round({NUM: v}));

const MATH_OPS = [
    'abs', 'floor', 'ceiling', 'sqrt', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'ln',
    'log', 'e ^', '10 ^', 'ABS', 'Sin', 'e^', 'foo', '',
];
const MATH_ARGS = [
    0, -0, 1, -1, 0.5, -0.5, 2, -2.5, 2.5, 10, 30, 45, 60, 89.9999, 90, -90, 180, 270, -270,
    360, 450, 630, -450, 720, 1e-7, 1e-300, 5e-324, 100, 1e10, 1e20, 1e22, 1e300, -1e300,
    123.456, 0.999999999, 709, 710, -745, -746, 308, 309, -323, -324, 1 / 3, Infinity,
    -Infinity, NaN, '', 'abc', '90', ' 45 ', true,
];
for (const op of MATH_OPS) {
    for (const n of MATH_ARGS) add('mathop', [op, n], ops.mathop({OPERATOR: op, NUM: n}));
}
for (const n of [-5, -3, 0.1, 1.5, 23, 22, -22, 0.30103, 2.5, 15.5, -0.3]) {
    add('mathop', ['10 ^', n], ops.mathop({OPERATOR: '10 ^', NUM: n}));
    add('mathop', ['e ^', n], ops.mathop({OPERATOR: 'e ^', NUM: n}));
    add('mathop', ['log', n], ops.mathop({OPERATOR: 'log', NUM: n}));
}
// inputs where V8's fdlibm and a correctly rounded C library differ in the last bit
const LIBM_DIFFERS = {
    asin: [-0.507, 0.833, -0.747], acos: [-0.784, 0.497, 0.389], atan: [8.07, 14.74, -28.1],
    ln: [3, 23.5, 49.5], log: [3, 5.7, 78.5], 'e ^': [-1.2, 2.1, 9.6], tan: [89.9999663],
};
for (const [op, args] of Object.entries(LIBM_DIFFERS)) {
    for (const n of args) add('mathop', [op, n], ops.mathop({OPERATOR: op, NUM: n}));
}
// parseFloat(x.toFixed(10)) on its own, incl. exact ties at the 11th decimal
for (const x of [0.00048828125, -0.00048828125, 1.00048828125, 2.5e-11, -2.5e-11,
    0.1 + 0.2, 1e-11, -1e-11, 0.12345678905, 1e21, 1e20 + 0.5, -0, 123.000000000049]) {
    add('to_fixed_10', [x], parseFloat(x.toFixed(10)));
}

const RANDOM_ENDS = [
    [1, 10], [10, 1], [1, 1], [0, 0], [-3, 3], [1, '10'], ['1', '10'], [1, '10.0'],
    ['1.0', 10], [1.5, 10], [0, 1], [0, 0.5], [-1.5, -1.5], ['abc', 5], ['', 5], [true, 5],
    [5, 'abc'], [1e21, 1], [0, Infinity], [-Infinity, Infinity], [-Infinity, 0],
];
for (const [from, to] of RANDOM_ENDS) {
    for (const draw of [0, 0.25, 0.5, 0.75, 0.9999999999999999]) {
        add('random_draw', [draw, from, to], withDraw(draw, () => ops.random({FROM: from, TO: to})));
    }
}

const TEXTS = ['hello', '', 'a😀b', '😀', 'héllo', 'ΑΣ', 12.5, -0, 1e21, true, NaN];
const TEXT_PAIRS = [
    ['apple', 'banana'], ['', ''], ['a', ''], [1, 2], [0.1 + 0.2, ''], [-0, 'x'],
    [1e21, 1e-7], [true, false], [NaN, Infinity], ['\ud83d', '\ude00'], ['a\ud83d', '\ude00b'],
    ['😀', '😀'], ['\ude00', '\ud83d'],
];
for (const [a, b] of TEXT_PAIRS) add('join', [a, b], ops.join({STRING1: a, STRING2: b}));
for (const s of TEXTS) add('length', [s], ops.length({STRING: s}));
for (const s of ['😀😀', 'a😀', '\ud83d', 'x'.repeat(40)]) add('length', [s], ops.length({STRING: s}));

const LETTERS = [0, 1, 1.5, 1.9, 2, 3, 4, -1, 0.5, 0.99, 5, 6, Infinity, NaN, '2', 'abc', true];
for (const s of TEXTS) {
    for (const letter of LETTERS) {
        add('letter_of', [letter, s], ops.letterOf({LETTER: letter, STRING: s}));
    }
}

const CONTAINS = [
    ['apple', 'PP'], ['APPLE', 'pp'], ['apple', 'x'], ['abc', ''], ['', ''], ['', 'a'],
    [12.5, 2.5], [12.5, '.'], [true, 'RU'], [false, 'false'], ['a😀b', '😀'], ['a😀b', '\ud83d'],
    ['a😀b', '\ude00'], ['a😀b', '\ude00b'], ['ΑΣ', 'σ'], ['ΑΣ', 'ς'], ['İ', 'i'],
    ['straße', 'SS'], ['É', 'é'], [-0, '0'], [NaN, 'nan'], [1e21, 'e+'],
];
for (const [a, b] of CONTAINS) add('contains', [a, b], ops.contains({STRING1: a, STRING2: b}));

const LOGIC = [true, false, 'true', 'false', 'FALSE', '0', '', ' ', 0, -0, 1, NaN, 'abc', '0.0'];
for (const a of LOGIC) {
    add('not', [a], ops.not({OPERAND: a}));
    for (const b of LOGIC) {
        const args = {OPERAND1: a, OPERAND2: b};
        add('and/or', [a, b], [ops.and(args), ops.or(args)]);
    }
}

// -- scratch3_data.js ----------------------------------------------------------------------

const LISTS = [
    [], ['a'], ['a', 'b', 'c'], ['a', 'bc'], ['a', ''], [' ', 'a', ' '], [1, 2, 3], ['1', '2'],
    [1.5, 'a'], [0.1 + 0.2, 1e21, -0], [NaN, Infinity, -Infinity], [true, false], ['😀', 'a'],
    ['😀'], ['\ud83d', '\ude00'], ['é', 'ß', 'Σ'], ['hello', 'world'], [1e-7, 'x'],
];
for (const list of LISTS) {
    const util = {
        thread: {updateMonitor: false},
        target: {lookupOrCreateList: () => ({value: list, _monitorUpToDate: false})},
    };
    add('list_contents', [list], data.getListContents({LIST: {id: 'l', name: 'l'}}, util));
}

// -- write ---------------------------------------------------------------------------------

const asciiJson = v => JSON.stringify(v).replace(
    /[\u007f-\uffff]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const lines = [
    '{',
    `  "scratch_vm": ${JSON.stringify(vmVersion)},`,
    `  "node": ${JSON.stringify(process.version)},`,
    '  "encoding": "each case is [args, result], a list of results for a name \\"f/g\\"; ' +
        'finite numbers except -0 are JSON numbers ' +
        '(doubles); {\\"num\\": \\"NaN\\"|\\"Infinity\\"|\\"-Infinity\\"|\\"-0\\"} for the ' +
        'others; {\\"list\\": [...]} is a list argument; *_draw cases take the Math.random ' +
        'value as their first argument",',
    '  "cases": {',
];
const names = Object.keys(cases).sort();
names.forEach((name, i) => {
    lines.push(`    ${JSON.stringify(name)}: [`);
    cases[name].forEach((c, j) => {
        lines.push(`      ${asciiJson(c)}${j < cases[name].length - 1 ? ',' : ''}`);
    });
    lines.push(`    ]${i < names.length - 1 ? ',' : ''}`);
});
lines.push('  }', '}', '');

const out = path.join(__dirname, 'cast.json');
fs.writeFileSync(out, lines.join('\n'));
const total = names.reduce((n, name) => n + cases[name].length, 0);
process.stdout.write(`wrote ${out}: ${total} cases from scratch-vm ${vmVersion}\n`);
