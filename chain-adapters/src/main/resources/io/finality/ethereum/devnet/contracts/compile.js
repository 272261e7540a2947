// Regenerates the *.bin files (creation bytecode, hex) from the *.sol sources with the npm package solc 0.8.x:
//   mkdir -p /tmp/solc && npm install --no-save --prefix /tmp/solc solc@0.8.37 && NODE_PATH=/tmp/solc/node_modules node compile.js
const fs = require('fs');
const path = require('path');
const solc = require('solc');
const dir = __dirname;
const sources = {};
for (const f of fs.readdirSync(dir).filter(n => n.endsWith('.sol')).sort()) {
    sources[f] = { content: fs.readFileSync(path.join(dir, f), 'utf8') };
}
const input = {
    language: 'Solidity',
    sources,
    settings: {
        optimizer: { enabled: true, runs: 200 },
        evmVersion: 'cancun',
        metadata: { bytecodeHash: 'none' },
        outputSelection: { '*': { '*': ['evm.bytecode.object'] } }
    }
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
const errors = (out.errors || []).filter(e => e.severity === 'error');
if (errors.length) {
    console.error(errors.map(e => e.formattedMessage).join('\n'));
    process.exit(1);
}
for (const file of Object.keys(out.contracts)) {
    for (const name of Object.keys(out.contracts[file])) {
        fs.writeFileSync(path.join(dir, name + '.bin'), out.contracts[file][name].evm.bytecode.object + '\n');
        console.log(name + ' ' + solc.version());
    }
}
