// A JS value as JSON for the vector files: NaN, the infinities and -0 (which JSON cannot
// hold) as {num: "..."}, arrays as {list: [...]}. tests/jsvalues.py decodes them.
'use strict';

const enc = v => {
    if (v === null) return null;
    if (typeof v === 'number') {
        if (Number.isNaN(v)) return {num: 'NaN'};
        if (v === Infinity) return {num: 'Infinity'};
        if (v === -Infinity) return {num: '-Infinity'};
        if (Object.is(v, -0)) return {num: '-0'};
        return v;
    }
    if (Array.isArray(v)) return {list: v.map(enc)};
    if (typeof v === 'string' || typeof v === 'boolean') return v;
    throw new Error(`cannot encode ${typeof v}`);
};

module.exports = {enc};
