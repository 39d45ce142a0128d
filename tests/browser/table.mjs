// tests/integration/table_app's table in a real browser: two browser
// contexts (two users) on the customers table.  Sorting, paging and search
// change one user's view only; a row deleted in one shows in the other
// (the live stream), whichever of the two workers did it.  The dialogs of
// the row actions are real modals: Escape closes them and focus returns to
// the button that opened them.
import { check, until, eq, launch, open, load, finish, onFailure, settles, watchLive }
	from './lib.mjs';

const browser = await launch('table');
const a = await open(browser, 'alice');
const b = await open(browser, 'bob');

onFailure(async () => {
	for (const p of [a, b])
		await p.reload();
});

// The name column (after the checkbox and the id).
const names = (p) => p.$$eval('#customers tbody tr', (rows) =>
	rows.map((r) => r.children[2] ? r.children[2].textContent : r.textContent));
const count = async (p) => (await p.textContent('#customers .nitro-table-count')).trim();
const first = async (p) => (await names(p))[0];
const header = (p, label) => p.locator('#customers thead th', { hasText: label });
const focused = (p) => p.evaluate(() => document.activeElement &&
	(document.activeElement.getAttribute('aria-label') || document.activeElement.textContent));

for (const p of [a, b])
	watchLive(p, '/customers/live');
await check('the pages load with the Datastar client', async () => {
	await load(a);
	await load(b);
});
await check('every page opens the table\'s live stream', () =>
	until(() => a.live > 0 && b.live > 0, 'GET /customers/live in both pages'));
await check('the first page of 10', async () => {
	await settles(() => count(a), '1–10 of 25', 'the count');
	eq((await names(a)).length, 10, 'rows');
});

// ---- sort, page, search --------------------------------------------------------
await check('a click on a header sorts by it, ascending', async () => {
	await header(a, 'Name').locator('button').click();
	await settles(() => header(a, 'Name').getAttribute('aria-sort'), 'ascending', 'aria-sort');
	await settles(() => first(a), 'Ada 001', 'the first row');
});
await check('a second click sorts descending', async () => {
	await header(a, 'Name').locator('button').click();
	await settles(() => header(a, 'Name').getAttribute('aria-sort'), 'descending', 'aria-sort');
	await settles(() => first(a), 'Margaret 017', 'the first row');
	eq(await header(a, 'E-mail').getAttribute('aria-sort'), 'none', 'the other headers');
});
await check('Next shows the second page', async () => {
	await a.click('#customers .nitro-pagination button:text-is("Next")');
	await settles(() => count(a), '11–20 of 25', 'the count');
	eq(await a.getAttribute('#customers [aria-current="page"]', 'aria-label'), 'Page 2',
	    'the current page');
});
await check('typing a search shows what matches, from page 1', async () => {
	await a.fill('#customers-q', 'grace');
	await settles(() => count(a), '1–3 of 3', 'the count');
	eq(await names(a), ['Grace 022', 'Grace 012', 'Grace 002'], 'the rows, still sorted');
	eq(await a.inputValue('#customers-q'), 'grace', 'the search box keeps its text');
});
await check("Bob's table did not change", async () => {
	eq(await count(b), '1–10 of 25', 'the count');
	eq(await first(b), 'Ada 001', 'the first row');
});
await check('clearing the search shows every row again', async () => {
	await a.fill('#customers-q', '');
	await settles(() => count(a), '1–10 of 25', 'the count');
});

// ---- a row's dialogs -------------------------------------------------------------
await check('Edit opens a modal dialog with the customer', async () => {
	await b.click('button[aria-label="Edit Grace 002"]');
	await b.waitForSelector('dialog#edit-customer:modal', { timeout: 4000 });
	eq(await b.getAttribute('dialog#edit-customer', 'aria-modal'), 'true', 'aria-modal');
	eq(await b.textContent('#edit-customer-title'), 'Customer', 'labelled by its title');
	eq((await b.textContent('dialog#edit-customer .nitro-card-title')).trim(), 'Grace 002', 'the card');
});
await check('Escape closes it and focus returns to Edit', async () => {
	await b.keyboard.press('Escape');
	await until(async () => (await b.$('dialog#edit-customer')) === null, 'the dialog is gone');
	eq(await focused(b), 'Edit Grace 002', 'the focused element');
});
await check('Delete asks first, naming the customer, Cancel focused', async () => {
	await b.click('button[aria-label="Delete Ken 005"]');
	await b.waitForSelector('dialog#confirm-delete:modal', { timeout: 4000 });
	eq((await b.textContent('#confirm-delete-message')).trim(), 'Ken 005 will be deleted.', 'the message');
	eq(await focused(b), 'Cancel', 'the focused button');
});
await check('Cancel keeps the row and gives focus back', async () => {
	await b.click('dialog#confirm-delete button:text-is("Cancel")');
	await until(async () => (await b.$('dialog#confirm-delete')) === null, 'the dialog is gone');
	eq(await focused(b), 'Delete Ken 005', 'the focused element');
	if (!(await names(b)).includes('Ken 005'))
		throw new Error('Ken 005 is gone');
});
await check("deleting in Bob's page removes the row in Alice's", async () => {
	await b.click('button[aria-label="Delete Ken 005"]');
	await b.waitForSelector('dialog#confirm-delete:modal', { timeout: 4000 });
	await b.click('dialog#confirm-delete button:text-is("Delete")');
	await settles(async () => (await names(b)).includes('Ken 005'), false, "Ken 005 in Bob's table");
	await settles(async () => (await names(a)).includes('Ken 005'), false, "Ken 005 in Alice's table");
	await settles(() => count(a), '1–10 of 24', "Alice's count");
	await b.waitForSelector('#customers-toasts .nitro-toast[role=status]', { timeout: 4000 });
});

// ---- selection and bulk delete -----------------------------------------------------
await check('select all checks every row', async () => {
	await a.check('#customers thead input[type=checkbox]');
	eq(await a.$$eval('#customers tbody input[name=ids]', (c) => c.every((x) => x.checked)),
	    true, 'every box');
	await a.uncheck('#customers thead input[type=checkbox]');
});
await check("bulk delete in Alice's page, seen in Bob's", async () => {
	a.once('dialog', (d) => d.accept());
	await a.check('input[aria-label="Select Margaret 017"]');
	await a.check('input[aria-label="Select Grace 002"]');
	await a.click('#customers .nitro-table-bulk');
	await a.waitForSelector('#customers-toasts .nitro-toast:has-text("Deleted 2 rows.")',
	    { timeout: 4000 });
	await settles(() => count(a), '1–10 of 22', "Alice's count");
	await settles(() => count(b), '1–10 of 22', "Bob's count");
	await settles(async () => (await names(b)).includes('Grace 002'), false,
	    "Grace 002 in Bob's table");
});
await check('a toast can be dismissed', async () => {
	await a.click('#customers-toasts .nitro-toast:has-text("Deleted 2 rows.") .nitro-toast-close');
	await until(async () => (await a.$('#customers-toasts .nitro-toast:has-text("Deleted 2 rows.")')) === null,
	    'the toast is gone');
});
await finish(browser);
