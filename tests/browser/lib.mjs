// tests/browser/lib.mjs: what the browser suites share.  run.sh starts the
// application behind nginx and runs a suite with:
//
//   BROWSER_URL      the application, http://127.0.0.1:PORT
//   BROWSER_MODULES  the node_modules folder holding playwright-core
//   BROWSER_CHROMIUM the browser (Debian's /usr/bin/chromium)
//   BROWSER_LOGS     where screenshots of failures go (tests/logs)
//   BROWSER_BUNDLE   the Datastar bundle the application serves
//
// A suite prints "ok - what" or "not ok - what" per check and "# ..."
// comments; run.sh numbers the checks and adds the plan.  The last line
// is "# end": without it run.sh counts the run as failed.
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const require = createRequire(join(process.env.BROWSER_MODULES, 'x.js'));
const { chromium } = require('playwright-core');

export const BASE = process.env.BROWSER_URL;
export const BUNDLE = readFileSync(process.env.BROWSER_BUNDLE);
const CDN = /^https:\/\/cdn\.jsdelivr\.net\/gh\/starfederation\/datastar@/;
const LOGS = process.env.BROWSER_LOGS;

let failures = 0;
let shots = 0;
let recover = null;	// run after a failed check
const pages = new Map();	// name -> page, for screenshots
let suite = 'browser';

export function diag(text) {
	for (const line of String(text).split('\n'))
		console.log(`# ${line}`);
}

// Run one check: fn throws (or times out) to fail it.  On failure every
// open page is saved as a PNG in BROWSER_LOGS.
export async function check(what, fn, ms = 10000) {
	let timer;
	try {
		await Promise.race([fn(), new Promise((_, no) => {
			timer = setTimeout(() => no(new Error(`timed out after ${ms} ms`)), ms);
		})]);
		console.log(`ok - ${what}`);
	} catch (e) {
		failures++;
		console.log(`not ok - ${what}`);
		diag(String(e && e.message || e).split('\n').slice(0, 6).join('\n'));
		await screenshots(what);
		if (recover)
			await recover().catch((e) => diag(`recovery failed: ${e.message}`));
	} finally {
		clearTimeout(timer);
	}
}

// onFailure(fn): after a failed check, fn puts the pages back in a known
// state (a reload, say), so that one failure does not fail every later
// check for the same reason.
export function onFailure(fn) {
	recover = fn;
}

async function screenshots(what) {
	const slug = what.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60);
	mkdirSync(LOGS, { recursive: true });
	for (const [name, page] of pages) {
		const path = join(LOGS, `browser-${suite}-${++shots}-${name}-${slug}.png`);
		try {
			await page.screenshot({ path, fullPage: true, timeout: 5000 });
			diag(`screenshot: ${path}`);
		} catch (e) {
			diag(`no screenshot of ${name}: ${e.message}`);
		}
	}
}

// until(fn, what): poll fn (async allowed) every 50 ms until it returns a
// truthy value, which is returned; fails after ms with what and the last
// value seen.
export async function until(fn, what, ms = 5000) {
	const end = Date.now() + ms;
	let last;
	for (;;) {
		try {
			last = await fn();
			if (last)
				return last;
		} catch (e) {
			last = e.message;
		}
		if (Date.now() > end)
			throw new Error(`${what}; last seen: ${JSON.stringify(last)}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

export function eq(got, want, what) {
	const g = JSON.stringify(got), w = JSON.stringify(want);
	if (g !== w)
		throw new Error(`${what}: got ${g}, want ${w}`);
}

// Wait until read() gives want; the error says what it gave last.
export async function settles(read, want, what) {
	let seen;
	try {
		await until(async () => (seen = await read()) === want, what);
	} catch (e) {
		throw new Error(`${what} should be ${JSON.stringify(want)}, ` +
		    `not ${JSON.stringify(seen)}`);
	}
}

// Count in page.live the streams the page opened on path (200 answers).
export function watchLive(page, path = '/live') {
	page.live = 0;
	page.on('response', (r) => new URL(r.url()).pathname === path &&
	    r.status() === 200 && page.live++);
}

// How a live example's suite starts: every page loads with the bundle the
// application serves and opens its stream on path.
export async function liveStart(pages, path = '/live') {
	for (const p of pages)
		watchLive(p, path);
	await check('the pages load with the Datastar client', async () => {
		for (const p of pages)
			await load(p);
	});
	await check('Datastar is the bundle given, served by the application',
	    () => localBundle(pages[0]));
	await check('every page opens its live stream', () =>
		until(() => pages.every((p) => p.live > 0), `GET ${path} in every page`));
}

// Debian's chromium, headless, nothing but the application: no sandbox
// (containers, root), no GPU, no QUIC, no background traffic.  Playwright
// adds --headless and a new empty --user-data-dir in a temporary folder
// (it refuses one in args).  A browser that does not start within 30 s
// fails the run rather than hanging it.
export async function launch(name) {
	suite = name;
	const browser = await chromium.launch({
		executablePath: process.env.BROWSER_CHROMIUM,
		headless: true,
		timeout: 30000,
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
		    '--disable-background-networking', '--disable-component-update',
		    '--disable-sync'],
	});
	diag(`chromium ${browser.version()}`);
	return browser;
}

// A browser context (its own cookies and storage: another user) with one
// page.  Requests leave only for the application; were the page to ask
// the CDN for Datastar, it would get the local bundle, and p.cdn counts it
// (the application should serve the bundle itself).  Uncaught errors,
// console errors and failed requests are collected in p.errors.
export async function open(browser, name) {
	const context = await browser.newContext();
	const page = await context.newPage();
	page.errors = [];
	page.cdn = 0;
	page.datastar = null;	// the response for the Datastar script
	page.on('pageerror', (e) => page.errors.push(e.message));
	// Chromium logs every failed request as a console error without its
	// URL; failed requests are counted from the responses instead, but for
	// /favicon.ico (none of the examples has one) and 422 (how an
	// application may refuse bad input).
	page.on('console', (m) => m.type() === 'error' &&
	    !/^Failed to load resource/.test(m.text()) && page.errors.push(m.text()));
	page.on('response', (r) => r.status() >= 400 && r.status() !== 422 &&
	    new URL(r.url()).pathname !== '/favicon.ico' &&
	    page.errors.push(`${r.request().method()} ${r.url()}: ${r.status()}`));
	await context.route((u) => !u.href.startsWith(BASE), (route) => {
		if (CDN.test(route.request().url())) {
			page.cdn++;
			return route.fulfill({ contentType: 'text/javascript', body: BUNDLE });
		}
		return route.abort();
	});
	page.on('response', (r) => {
		if (r.request().resourceType() === 'script' && /datastar/.test(r.url()))
			page.datastar = r;
	});
	pages.set(name, page);
	return page;
}

// Load path and check that the page runs the real Datastar bundle, served
// by the application (NITRO_DATASTAR_JS) rather than fetched from the CDN.
export async function load(page, path = '/') {
	const resp = await page.goto(BASE + path);
	if (resp.status() !== 200)
		throw new Error(`GET ${path}: status ${resp.status()}`);
	await until(() => page.datastar, 'the page loads a Datastar script');
}

export async function localBundle(page) {
	const r = page.datastar;
	if (page.cdn > 0 || !r.url().startsWith(BASE))
		throw new Error(`the page asked the CDN for Datastar (${r.url()}): ` +
		    'the application should serve NITRO_DATASTAR_JS itself');
	const body = await r.body();
	eq(r.status(), 200, 'status of ' + r.url());
	if (!body.equals(BUNDLE))
		throw new Error(`${r.url()} is not the bundle given (${body.length} bytes)`);
}

// The checks every suite ends with, then "# end" and the exit status.
export async function finish(browser) {
	for (const [name, page] of pages)
		await check(`no JavaScript error in ${name}'s page`, async () => {
			if (page.errors.length)
				throw new Error(page.errors.slice(0, 5).join('\n'));
		});
	await browser.close();
	console.log('# end');
	process.exitCode = failures ? 1 : 0;
}
