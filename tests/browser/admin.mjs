// examples/admin in a real browser, two browser contexts (Alice and Bob,
// one account): sign-in, sort, search and paging of the customers, create
// in the dialog with a refused value shown next to its field, edit, delete
// with its confirmation (refused while orders refer to the customer), the customer select of the order form, bulk
// delete, every change made by one seen live by the other, and the theme
// kept across a reload.  run.sh serves it with 25 customers and orders.
import { check, until, eq, launch, open, load, finish, onFailure, settles, watchLive }
	from './lib.mjs';

const EMAIL = 'admin@example.com', PASSWORD = 'correct horse battery';
const browser = await launch('admin');
const a = await open(browser, 'alice');
const b = await open(browser, 'bob');

onFailure(async () => {
	for (const p of [a, b])
		await p.reload();
});

const names = (p, t = 'customers', col = 2) => p.$$eval(`#${t} tbody tr`, (rows, col) =>
	rows.map((r) => r.children[col] ? r.children[col].textContent : r.textContent), col);
const count = async (p, t = 'customers') =>
	(await p.textContent(`#${t} .nitro-table-count`)).trim();
const header = (p, label) => p.locator('#customers thead th', { hasText: label });
const gone = (p, sel) => until(async () => (await p.$(sel)) === null, `${sel} is gone`);
const theme = (p) => p.evaluate(() => document.documentElement.getAttribute('data-theme'));

async function signIn(p, button) {
	await p.fill('#signin-email', EMAIL);
	await p.fill('#signin-password', PASSWORD);
	await Promise.all([p.waitForURL(/\/customers$/, { timeout: 15000 }),
	    p.click(`#signin-form button:text-is("${button}")`)]);
	await until(() => p.datastar, 'the page loads a Datastar script');
}

for (const p of [a, b])
	watchLive(p, '/customers/live');

// ---- sign-in ---------------------------------------------------------------------
await check('a stranger is sent to the sign-in page', async () => {
	await load(a, '/customers');
	eq(new URL(a.url()).pathname, '/login', 'the page');
	eq((await a.textContent('h1')).trim(), 'Create the first account', 'the title');
});
await check('Alice creates the first account and sees the customers', () =>
	signIn(a, 'Create account'), 20000);
await check('Bob signs in with it', async () => {
	await load(b, '/login');
	eq((await b.textContent('h1')).trim(), 'Sign in', 'the title');
	await signIn(b, 'Sign in');
}, 20000);
await check('both pages open the live stream of the table', () =>
	until(() => a.live > 0 && b.live > 0, 'GET /customers/live in both pages'));
await check('the first page of 10 of 25', async () => {
	await settles(() => count(a), '1–10 of 25', 'the count');
	eq((await names(a)).length, 10, 'rows');
});

// ---- sort, page, search ------------------------------------------------------------
await check('a click on Name sorts ascending, another descending', async () => {
	await header(a, 'Name').locator('button').click();
	await settles(() => header(a, 'Name').getAttribute('aria-sort'), 'ascending', 'aria-sort');
	await settles(async () => (await names(a))[0], 'Ada 001', 'the first row');
	await header(a, 'Name').locator('button').click();
	await settles(async () => (await names(a))[0], 'Margaret 017', 'the first row');
});
await check('Next shows the second page', async () => {
	await a.click('#customers .nitro-pagination button:text-is("Next")');
	await settles(() => count(a), '11–20 of 25', 'the count');
});
await check('a search shows what matches', async () => {
	await a.fill('#customers-q', 'grace');
	await settles(() => count(a), '1–3 of 3', 'the count');
	eq(await names(a), ['Grace 022', 'Grace 012', 'Grace 002'], 'the rows, still sorted');
});
await check("Bob's view did not change", async () => {
	eq(await count(b), '1–10 of 25', 'the count');
	eq((await names(b))[0], 'Ada 001', 'the first row');
});

// ---- create in the dialog, a refused value -------------------------------------------
await check('New customer opens a modal dialog with the schema form', async () => {
	await a.click('button:text-is("New customer")');
	await a.waitForSelector('dialog#customer-dialog:modal', { timeout: 5000 });
	eq(await a.getAttribute('dialog#customer-dialog', 'aria-modal'), 'true', 'aria-modal');
	eq(await a.getAttribute('#customer-email', 'type'), 'email', 'the e-mail input');
});
await check('a bad address is refused next to its field', async () => {
	await a.fill('#customer-name', 'Zed Zimmer');
	await a.fill('#customer-email', 'zed@nowhere');
	// The browser's own check would stop the submit; the server's is tested.
	await a.$eval('#customer-form', (f) => { f.noValidate = true; });
	await a.click('#customer-form button[type=submit]');
	await settles(async () => (await a.textContent('#customer-email-error')).trim(),
	    'An address like name@example.com', 'the message under E-mail');
	eq(await a.getAttribute('#customer-email', 'aria-invalid'), 'true', 'aria-invalid');
	eq((await a.textContent('#customer-name-error')).trim(), '', 'no message under Name');
});
await check('a good one is saved: the dialog closes, a toast says so', async () => {
	await a.fill('#customer-email', 'zed@example.com');
	await a.click('#customer-form button[type=submit]');
	await gone(a, 'dialog#customer-dialog');
	await a.waitForSelector('#customers-toasts .nitro-toast:has-text("The customer is saved.")',
	    { timeout: 5000 });
});
await check("the new customer shows in Bob's table at once", () =>
	settles(() => count(b), '1–10 of 26', "Bob's count"));

// ---- edit, seen live -----------------------------------------------------------------------
await check('Bob searches for Zed', async () => {
	await b.fill('#customers-q', 'zed');
	await settles(async () => (await names(b)).join(), 'Zed Zimmer', "Bob's rows");
});
await check('Alice edits Zed in the dialog', async () => {
	await a.fill('#customers-q', 'zed');
	await settles(async () => (await names(a)).join(), 'Zed Zimmer', "Alice's rows");
	await a.click('button[aria-label="Edit Zed Zimmer"]');
	await a.waitForSelector('dialog#customer-dialog:modal', { timeout: 5000 });
	await settles(() => a.inputValue('#customer-email'), 'zed@example.com', 'the address shown');
	await a.fill('#customer-name', 'Zed Zimmermann');
	await a.click('#customer-form button[type=submit]');
	await gone(a, 'dialog#customer-dialog');
	await settles(async () => (await names(a)).join(), 'Zed Zimmermann', "Alice's rows");
});
await check("the edit shows in Bob's table", () =>
	settles(async () => (await names(b)).join(), 'Zed Zimmermann', "Bob's rows"));

// ---- delete with confirmation --------------------------------------------------------------
await check('Delete asks first, naming the customer; Cancel keeps it', async () => {
	await b.fill('#customers-q', '');
	await settles(() => count(b), '1–10 of 26', "Bob's count");
	await b.click('button[aria-label="Delete Ken 005"]');
	await b.waitForSelector('dialog#customer-confirm:modal', { timeout: 5000 });
	eq((await b.textContent('#customer-confirm-message')).trim(), 'Ken 005 will be deleted.',
	    'the message');
	await b.click('dialog#customer-confirm button:text-is("Cancel")');
	await gone(b, 'dialog#customer-confirm');
	eq((await names(b)).includes('Ken 005'), true, 'Ken 005 is still there');
});
await check('a customer with orders is not deleted: a toast says why', async () => {
	await b.click('button[aria-label="Delete Ken 005"]');
	await b.waitForSelector('dialog#customer-confirm:modal', { timeout: 5000 });
	await b.click('dialog#customer-confirm button:text-is("Delete")');
	await b.waitForSelector('#customers-toasts .nitro-toast[role=alert]:has-text("other rows refer to it")',
	    { timeout: 5000 });
	eq((await names(b)).includes('Ken 005'), true, 'Ken 005 is still there');
});
await check("a confirmed delete removes the row in Bob's table and Alice's", async () => {
	await a.fill('#customers-q', '');
	await settles(() => count(a), '1–10 of 26', "Alice's count");
	await b.fill('#customers-q', 'zed');
	await settles(async () => (await names(b)).join(), 'Zed Zimmermann', "Bob's rows");
	await b.click('button[aria-label="Delete Zed Zimmermann"]');
	await b.waitForSelector('dialog#customer-confirm:modal', { timeout: 5000 });
	eq((await b.textContent('#customer-confirm-message')).trim(), 'Zed Zimmermann will be deleted.',
	    'the message');
	await b.click('dialog#customer-confirm button:text-is("Delete")');
	await b.waitForSelector('#customers-toasts .nitro-toast:has-text("The customer is deleted.")',
	    { timeout: 5000 });
	await settles(() => count(b), '0 rows', "Bob's count");
	await settles(() => count(a), '1–10 of 25', "Alice's count");
});

// ---- orders: the customer select, bulk delete --------------------------------------------------
for (const p of [a, b])
	watchLive(p, '/orders/live');
await check('both open the orders', async () => {
	await load(a, '/orders');
	await load(b, '/orders');
	await until(() => a.live > 0 && b.live > 0, 'GET /orders/live in both pages');
	await settles(() => count(a, 'orders'), '1–10 of 25', 'the count');
	eq((await names(a, 'orders', 2))[0], 'Ada 001', 'the customer by name');
});
await check('New order: the customer is chosen from a select', async () => {
	await a.click('button:text-is("New order")');
	await a.waitForSelector('dialog#order-dialog:modal', { timeout: 5000 });
	eq(await a.evaluate(() => document.querySelector('#order-customer_id').tagName), 'SELECT', 'the control');
	await a.selectOption('#order-customer_id', { label: 'Grace 002' });
	await a.fill('#order-item', 'Chair');
	await a.fill('#order-quantity', '0');
	await a.$eval('#order-form', (f) => { f.noValidate = true; });
	await a.click('#order-form button[type=submit]');
	await settles(async () => (await a.textContent('#order-quantity-error')).trim(),
	    'At least one', 'the message under Quantity');
	await a.fill('#order-quantity', '2');
	await a.click('#order-form button[type=submit]');
	await gone(a, 'dialog#order-dialog');
});
await check("the order shows in Bob's orders at once", async () => {
	await settles(() => count(b, 'orders'), '1–10 of 26', "Bob's count");
});
await check("bulk delete in Bob's page, seen in Alice's", async () => {
	b.once('dialog', (d) => d.accept());
	const boxes = b.locator('#orders tbody input[name=ids]');
	await boxes.nth(0).check();
	await boxes.nth(1).check();
	await b.click('#orders .nitro-table-bulk');
	await b.waitForSelector('#orders-toasts .nitro-toast:has-text("Deleted 2 rows.")', { timeout: 5000 });
	await settles(() => count(b, 'orders'), '1–10 of 24', "Bob's count");
	await settles(() => count(a, 'orders'), '1–10 of 24', "Alice's count");
});

// ---- light and dark --------------------------------------------------------------------------------
await check('the theme toggle switches and the choice survives a reload', async () => {
	const was = await theme(a);
	await a.click('.nitro-theme-toggle');
	await until(async () => (await theme(a)) !== was, 'data-theme changes');
	const now = await theme(a);
	await load(a, '/orders');
	eq(await theme(a), now, 'data-theme after the reload');
});
await finish(browser);
