// examples/live in a real browser: two browser contexts (two users) on
// the shared counter and the chat; what one does shows in the other.  The
// application runs behind nginx with two workers on two sockets and nginx
// alternates between them, so of two consecutive clicks one is handled by
// the worker that does not hold the other browser's stream: both showing
// there means events cross processes.
import { check, until, eq, launch, open, load, finish, onFailure, settles, liveStart }
	from './lib.mjs';

const browser = await launch('live');
const a = await open(browser, 'alice');
const b = await open(browser, 'bob');

onFailure(async () => {
	for (const p of [a, b])
		await p.reload();
});

const counter = async (page) => (await page.textContent('#counter')).trim();
// Wait until the counter of page reads want.
const reads = (page, want) => settles(() => counter(page), want, 'the counter');
const messages = (page) => page.$$eval('#messages > li', (els) =>
	els.map((li) => li.textContent.replace(/\s+/g, ' ').trim()));
const lastMessage = (page, want) =>
	settles(async () => (await messages(page)).at(-1), want, 'the last message');
async function say(page, name, text) {
	await page.fill('input[placeholder="name"]', name);
	await page.fill('input[placeholder="message"]', text);
	await page.click('button[type="submit"]');
}
const press = (page, label) => page.click(`button:text-is("${label}")`);

await liveStart([a, b]);

// ---- the counter -----------------------------------------------------------
let n = 0;
await check('both pages show the same counter', async () => {
	n = Number(await counter(a));
	if (!Number.isInteger(n))
		throw new Error(`counter: ${await counter(a)}`);
	await reads(b, String(n));
});
await check("+1 in Alice's page shows in Bob's", async () => {
	await press(a, '+1');
	await reads(b, String(n + 1));
	await reads(a, String(n + 1));
});
await check('a second +1 (the other worker) shows too', async () => {
	await press(a, '+1');
	await reads(b, String(n + 2));
});
await check("-1 in Bob's page shows in Alice's", async () => {
	await press(b, '-1');
	await reads(a, String(n + 1));
});
await check('clicks at the same moment in both pages add up in both', async () => {
	/* One button each: Datastar cancels a button's request when the same
	 * button fires again, so one page clicking twice at once may send one. */
	await Promise.all([press(a, '+1'), press(b, '+1')]);
	await reads(a, String(n + 3));
	await reads(b, String(n + 3));
	await Promise.all([press(a, '+1'), press(b, '+1')]);
	await reads(a, String(n + 5));
	await reads(b, String(n + 5));
});
await check('reset shows 0 everywhere', async () => {
	await press(b, 'reset');
	await reads(a, '0');
	await reads(b, '0');
});

// ---- the chat --------------------------------------------------------------
await check("a message sent by Alice appears in Bob's page", async () => {
	await say(a, 'Alice', 'Hello <Bob> & all');
	await lastMessage(b, 'Alice Hello <Bob> & all');
	await lastMessage(a, 'Alice Hello <Bob> & all');
});
await check("the message field is emptied, the name kept", async () => {
	await until(async () => (await a.inputValue('input[placeholder="message"]')) === '',
	    'an empty message field');
	eq(await a.inputValue('input[placeholder="name"]'), 'Alice', 'name');
});
await check("Bob's answer appears in Alice's page", async () => {
	await say(b, 'Bob', 'Hi Alice');
	await lastMessage(a, 'Bob Hi Alice');
	const all = await messages(a);
	eq(all.slice(-2), ['Alice Hello <Bob> & all', 'Bob Hi Alice'], 'the last two');
});
await check('an empty message is refused with a message in that page only', async () => {
	const before = await messages(b);
	await say(a, 'Alice', '');
	await until(async () => (await a.textContent('.error')).trim() !== '',
	    'a message in .error');
	eq((await b.textContent('.error')).trim(), '', "Bob's error line");
	await new Promise((r) => setTimeout(r, 300));
	eq(await messages(b), before, "Bob's messages");
});
await check('the next good message clears the error', async () => {
	await say(a, 'Alice', 'Sorry');
	await lastMessage(b, 'Alice Sorry');
	await until(async () => (await a.textContent('.error')).trim() === '', 'no error');
});

// ---- a latecomer -------------------------------------------------------------
const c = await open(browser, 'carol');
await check('a page opened later shows the counter and the chat so far', async () => {
	await load(c);
	await reads(c, '0');
	eq((await messages(c)).slice(-3), ['Alice Hello <Bob> & all', 'Bob Hi Alice',
	    'Alice Sorry'], 'the last three');
});
await check('and follows from then on', async () => {
	await press(a, '+1');
	await reads(c, '1');
});

await finish(browser);
