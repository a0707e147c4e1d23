#!/usr/bin/env node
// Independent checkers for the SIEM formats (docs/formats.md, "How the formats are checked").
// Usage: node check.js ecs|cef|leef < records   (one record per line)
// Prints one JSON line per record: {"ok":true,...} or {"ok":false,"errors":[...]}; exits 0.
// The definitions and parsers come from npm packages pinned in package.json: Elastic's ECS field
// definitions (@elastic/ecs, EcsFlat) and nsyslog-parser's CEF and LEEF parsers. This script only
// feeds them and reports; it does no parsing or field definition of its own.
'use strict';
const fs = require('fs');
const net = require('net');

const mode = process.argv[2];
const input = fs.readFileSync(0, 'utf8');
const lines = input.split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();

function out(o) {
  process.stdout.write(JSON.stringify(o) + '\n');
}

if (mode === 'ecs') {
  const { EcsFlat } = require('@elastic/ecs/build/commonjs/ecs_flat.js');
  const ecsVersion = require('@elastic/ecs/package.json').version;
  const INTEGER = new Set(['long', 'integer', 'short', 'byte', 'unsigned_long']);
  const NUMBER = new Set(['float', 'double', 'half_float', 'scaled_float']);
  const STRING = new Set(['keyword', 'wildcard', 'constant_keyword', 'text', 'match_only_text']);
  const allowed = (name) => {
    const f = EcsFlat[name];
    return f && f.allowed_values ? new Map(f.allowed_values.map((a) => [a.name, a])) : null;
  };
  const categories = allowed('event.category');
  for (const line of lines) {
    const errors = [];
    let doc;
    try {
      doc = JSON.parse(line);
    } catch (e) {
      out({ ok: false, errors: ['not JSON: ' + e.message] });
      continue;
    }
    const leaves = [];
    const walk = (v, path) => {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        for (const k of Object.keys(v)) walk(v[k], path ? path + '.' + k : k);
      } else {
        leaves.push([path, v]);
      }
    };
    walk(doc, '');
    for (const [path, v] of leaves) {
      if (path === 'coder' || path.startsWith('coder.')) continue; // the custom namespace
      const def = EcsFlat[path];
      if (!def) {
        errors.push(path + ': not an ECS field');
        continue;
      }
      const isArray = Array.isArray(v);
      if (isArray && !(def.normalize || []).includes('array')) {
        errors.push(path + ': an array, but ECS does not declare the field an array');
      }
      for (const x of isArray ? v : [v]) {
        const t = def.type;
        let ok;
        if (STRING.has(t)) ok = typeof x === 'string';
        else if (INTEGER.has(t)) ok = Number.isInteger(x);
        else if (NUMBER.has(t)) ok = typeof x === 'number';
        else if (t === 'boolean') ok = typeof x === 'boolean';
        else if (t === 'ip') ok = typeof x === 'string' && net.isIP(x) !== 0;
        else if (t === 'date') ok = typeof x === 'string' && !Number.isNaN(Date.parse(x));
        else ok = false;
        if (!ok) errors.push(path + ': ' + JSON.stringify(x) + ' is not a valid ' + t);
        const av = allowed(path);
        if (av && !av.has(x)) errors.push(path + ': ' + JSON.stringify(x) + ' is not an allowed value');
      }
    }
    if (!doc.ecs || doc.ecs.version !== ecsVersion) {
      errors.push('ecs.version: expected ' + ecsVersion + ' (the definitions checked against)');
    }
    // ECS pairs each event.category with the event.type values that may go with it.
    const ev = doc.event || {};
    for (const c of ev.category || []) {
      const a = categories.get(c);
      if (!a) continue;
      for (const t of ev.type || []) {
        if (!(a.expected_event_types || []).includes(t)) {
          errors.push('event.type ' + t + ' is not expected with event.category ' + c);
        }
      }
    }
    out(errors.length ? { ok: false, errors } : { ok: true, fields: leaves.length });
  }
} else if (mode === 'cef' || mode === 'leef') {
  const parse = require('nsyslog-parser');
  for (const line of lines) {
    const e = parse(line);
    const header = mode === 'cef' ? e.cef : e.leef;
    if (!header || e.type !== mode.toUpperCase()) {
      out({ ok: false, errors: ['not parsed as ' + mode.toUpperCase() + ': type=' + e.type] });
      continue;
    }
    out({ ok: true, header, fields: e.fields });
  }
} else {
  process.stderr.write('usage: node check.js ecs|cef|leef < records\n');
  process.exit(2);
}
