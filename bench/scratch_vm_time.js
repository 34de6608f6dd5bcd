#!/usr/bin/env node
// Times scratch-vm on Scratch projects, as bench/scratch_speed.py compares dojokit with it:
// headless, compatibility mode (30 fps), turbo off, a fresh VirtualMachine for every run;
// milliseconds from vm.greenFlag() to the first non-empty SAY (or THINK) event.
//
//   node scratch_vm_time.js [SCRATCH_VM_PATH] PROJECT.sb3... [RUNS]
//
// SCRATCH_VM_PATH is the scratch-vm package folder (default: env SCRATCH_VM, else plain
// `require('scratch-vm')`); arguments ending in .sb3 are projects; a plain number is the
// runs count (default 5). The expected answer is read from NAME.said beside each project.
// One JSON line per project on stdout:
//   {"project": "primes", "answer": "4203", "said": ["4203", ...], "ok": true, "ms": [...]}
// and {"project": ..., "error": "..."} when a run fails or times out.
'use strict';

const fs = require('fs');
const path = require('path');
const {performance} = require('perf_hooks');

const TIMEOUT_MS = 120000;

function parseArgs (argv) {
    let vmPath = process.env.SCRATCH_VM || null;
    let runs = 5;
    const projects = [];
    for (const a of argv) {
        if (a.endsWith('.sb3')) projects.push(a);
        else if (/^\d+$/.test(a)) runs = parseInt(a, 10);
        else vmPath = a;
    }
    return {vmPath, runs, projects};
}

function loadVm (vmPath) {
    const where = vmPath ? path.resolve(vmPath) : 'scratch-vm';
    const VirtualMachine = require(where);
    // scratch-vm logs through minilog to stdout (enabled when it loads): keep stdout for
    // the results. Should that fail, the Python side reads only our JSON lines anyway.
    try {
        require(require.resolve('minilog', {paths: [where]})).disable();
    } catch (e) {
        // no minilog beside it
    }
    return VirtualMachine;
}

function expectedAnswer (project) {
    const said = project.replace(/\.sb3$/, '.said');
    if (!fs.existsSync(said)) return null;
    return fs.readFileSync(said, 'utf8').split('\n')[0];
}

// One run: resolves to {ms, said}; rejects on a load error or a time-out.
function runOnce (VirtualMachine, buffer) {
    return new Promise((resolve, reject) => {
        const vm = new VirtualMachine();
        let timer = null;
        let t0 = null;
        const finish = (err, result) => {
            clearTimeout(timer);
            vm.stopAll();
            vm.quit(); // clears the stepping interval
            if (err) reject(err);
            else resolve(result);
        };
        vm.setCompatibilityMode(true); // 30 frames per second, as the Scratch 3 editor
        vm.setTurboMode(false);
        vm.runtime.on('SAY', (target, type, text) => {
            const s = String(text);
            if (t0 === null || s === '') return;
            const ms = performance.now() - t0;
            t0 = null;
            finish(null, {ms, said: s});
        });
        vm.loadProject(buffer).then(() => {
            vm.start();
            timer = setTimeout(() => finish(new Error(`no answer in ${TIMEOUT_MS} ms`)),
                TIMEOUT_MS);
            t0 = performance.now();
            vm.greenFlag();
        }, err => finish(err));
    });
}

async function main () {
    const {vmPath, runs, projects} = parseArgs(process.argv.slice(2));
    if (projects.length === 0) {
        process.stderr.write('usage: node scratch_vm_time.js [SCRATCH_VM_PATH] ' +
            'PROJECT.sb3... [RUNS]\n');
        process.exit(2);
    }
    const VirtualMachine = loadVm(vmPath);
    let failed = false;
    for (const project of projects) {
        const name = path.basename(project, '.sb3');
        const answer = expectedAnswer(project);
        const buffer = fs.readFileSync(project);
        const ms = [];
        const said = [];
        try {
            for (let i = 0; i < runs; i++) {
                const r = await runOnce(VirtualMachine, buffer);
                ms.push(Math.round(r.ms * 10) / 10);
                said.push(r.said);
            }
        } catch (err) {
            failed = true;
            process.stdout.write(`${JSON.stringify({project: name, error: String(err)})}\n`);
            continue;
        }
        const ok = answer === null ? null : said.every(s => s === answer);
        if (ok === false) failed = true;
        process.stdout.write(`${JSON.stringify({project: name, answer, said, ok, ms})}\n`);
    }
    process.exit(failed ? 1 : 0);
}

main();
