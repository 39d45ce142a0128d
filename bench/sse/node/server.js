// bench/sse's Node.js peer: the same two endpoints as bench/sse/live_nitro.c,
// written the way the Datastar TypeScript SDK's README does it.
//
//   GET /stream     a Datastar SSE stream that stays open (keepalive)
//   POST /publish   a JSON body, sent to every open stream as a
//                   datastar-patch-signals event with an increasing id
//
// One process, as a small Node server is deployed; it listens on the unix
// socket (or port) given as its argument, behind the benchmark's nginx.
'use strict';

const http = require('node:http');
const fs = require('node:fs');
const { ServerSentEventGenerator } = require('@starfederation/datastar-sdk');

const where = process.argv[2];
if (!where) {
	console.error('usage: node server.js SOCKET|PORT');
	process.exit(2);
}

const streams = new Set();
let lastId = 0;

function stream(req, res) {
	let gen = null;
	ServerSentEventGenerator.stream(req, res, (sse) => {
		gen = sse;
		streams.add(sse);
	}, {
		keepalive: true,
		onAbort: () => { streams.delete(gen); },
	});
}

function publish(req, res) {
	let body = '';
	req.setEncoding('utf8');
	req.on('data', (chunk) => {
		body += chunk;
		if (body.length > 65536)
			req.destroy();
	});
	req.on('end', () => {
		try {
			JSON.parse(body);	// the event log refuses what is not JSON too
		} catch (e) {
			res.writeHead(400, { 'Content-Type': 'text/plain' });
			res.end('not JSON\n');
			return;
		}
		const id = String(++lastId);
		for (const sse of streams)
			sse.patchSignals(body, { eventId: id });
		res.writeHead(200, { 'Content-Type': 'text/plain' });
		res.end('ok\n');
	});
}

const server = http.createServer((req, res) => {
	const path = req.url.split('?')[0];
	if (req.method === 'GET' && path === '/stream')
		return stream(req, res);
	if (req.method === 'POST' && path === '/publish')
		return publish(req, res);
	if (req.method === 'GET' && path === '/')
		return res.end('ok\n');
	res.writeHead(404, { 'Content-Type': 'text/plain' });
	res.end('not found\n');
});
// Streams stay open for the whole run; no Node timeout may cut them.
server.requestTimeout = 0;
server.headersTimeout = 0;
server.keepAliveTimeout = 5000;
server.maxConnections = Infinity;

if (/^[0-9]+$/.test(where)) {
	server.listen(Number(where), '127.0.0.1');
} else {
	try { fs.unlinkSync(where); } catch (e) { /* not there */ }
	server.listen({ path: where, backlog: 4096 });
}
process.on('SIGTERM', () => process.exit(0));
