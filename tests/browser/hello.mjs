// examples/hello in a real browser: two pages show the visit count, and
// a visit in a third, served by either worker, shows in both at once over
// their live streams.
import { check, eq, launch, open, load, finish, settles, liveStart } from './lib.mjs';

const browser = await launch('hello');
const a = await open(browser, 'alice');
const b = await open(browser, 'bob');


const count = async (page) => Number((await page.textContent('#count')).trim());
const reads = (page, want) => settles(() => count(page), want, 'the count');

await liveStart([a, b]);
let n = 0;
await check("Alice's page shows Bob's visit", async () => {
	n = await count(b);
	await reads(a, n);
});
const c = await open(browser, 'carol');
await check('a visit elsewhere shows in both pages', async () => {
	await load(c);
	eq(await count(c), n + 1, "Carol's count");
	await reads(a, n + 1);
	await reads(b, n + 1);
});
await check('and the next one too (the other worker)', async () => {
	await load(c);
	await reads(a, n + 2);
	await reads(b, n + 2);
});

await finish(browser);
