// `nitro serve --watch` under an open page: the small project of
// tests/integration/watch_app.c (run.sh writes it into BROWSER_PROJECT and
// serves it with two workers; serve's log is BROWSER_SERVE_LOG).  The page
// holds a Datastar live stream (nitro_ds_live); a change to a source file
// is rebuilt and the workers restarted, which cuts the stream; the page
// reconnects by itself, without a reload, with Last-Event-ID, so that an
// event published while its stream was down and one published after the
// restart both appear, once each, rendered by the new build.
import { readFileSync, writeFileSync } from 'node:fs';
import { check, until, eq, launch, open, finish, settles, liveStart, diag, BASE }
	from './lib.mjs';

const PROJECT = process.env.BROWSER_PROJECT;
const LOG = process.env.BROWSER_SERVE_LOG;
const ROLLED = 'every worker runs the new build';

const browser = await launch('watch');
const p = await open(browser, 'page');

// Whether the page's stream is open now: a /live answer opens it, the end
// of its body (or a network error) closes it.
p.streamOpen = false;
p.streamEnds = 0;
const isLive = (r) => new URL(r.url()).pathname === '/live';
p.on('response', (r) => isLive(r) && r.status() === 200 && (p.streamOpen = true));
for (const ev of ['requestfinished', 'requestfailed'])
	p.on(ev, (r) => isLive(r) && (p.streamOpen = false, p.streamEnds++));

// Publish one event with this text; the event's id.
async function pub(text) {
	const r = await fetch(`${BASE}/pub?text=${text}`, { method: 'POST' });
	const body = await r.text();
	if (r.status !== 200)
		throw new Error(`POST /pub: ${r.status} ${body}`);
	return Number(/ last (\d+)/.exec(body)[1]);
}
// The events on the page, as "text@build".
const events = () => p.$$eval('#events > li', (els) =>
	els.map((li) => `${li.textContent}@${li.dataset.build}`));
const shows = (want) => until(async () => (await events()).includes(want),
	`"${want}" on the page`, 15000);
const build = async () => (await p.textContent('#build')).trim();
const rolls = () => readFileSync(LOG, 'utf8').split(ROLLED).length - 1;

await liveStart([p]);
await check('the page shows the first build', () => settles(build, 'one', '#build'));
await check('an event published now appears', async () => {
	await pub('before');
	await shows('before@one');
});
await check('a mark is set on the window', async () => {
	await p.evaluate(() => { window.nitroMark = 'set before the change'; });
});

// The change: the stream is cut when the page's worker restarts.
let down = null;
const ends = p.streamEnds, opened = p.live, rolled = rolls();
writeFileSync(`${PROJECT}/src/build.h`, '#define BUILD "two"\n');
await check('the change is rebuilt and the restart cuts the stream', async () => {
	await until(() => p.streamEnds > ends, 'the end of the /live request', 30000);
	await until(() => rolls() > rolled, `"${ROLLED}" in serve's log`, 30000);
}, 60000);
await check('an event is published while the stream is down', async () => {
	down = !p.streamOpen;
	await pub('down');
	if (!down)
		diag('the page had reconnected already; the event is then sent live');
	eq(down, true, 'the stream was down when the event was published');
});
await check('the page reopens its stream by itself', () =>
	until(() => p.live > opened && p.streamOpen, 'a new /live answer', 20000), 25000);
await check('an event published after the restart appears, rendered by the new build',
    async () => {
	await pub('after');
	await shows('after@two');
}, 20000);
await check('the event published while the stream was down appears too', () =>
	shows('down@two'), 20000);
await check('each event once, in order', async () =>
	eq(await events(), ['before@one', 'down@two', 'after@two'], 'the events'));
await check('the page shows the new build', () => settles(build, 'two', '#build'));
await check('no reload: the mark on the window is still there', async () =>
	eq(await p.evaluate(() => window.nitroMark), 'set before the change', 'window.nitroMark'));

await finish(browser);
