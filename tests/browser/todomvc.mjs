// examples/todomvc in a real browser: every TodoMVC operation by clicks
// and typing, the validation message, the filters and the count, then two
// browser contexts (two users) where a change in one shows in the other.
// The application runs behind nginx with two workers on two sockets, so
// consecutive requests go to different workers.
import { BASE, check, until, eq, launch, open, load, localBundle, finish, diag, watchLive,
	onFailure } from './lib.mjs';

const browser = await launch('todomvc');
const a = await open(browser, 'alice');

// The visible items, in order: "title" or "title (done)".
const items = (page) => page.$$eval('#todo-list > li', (els) => els
	.filter((li) => li.offsetParent !== null)
	.map((li) => li.querySelector('label').textContent +
	    (li.classList.contains('completed') ? ' (done)' : '')));
const count = (page) => page.textContent('#todo-count');
const visible = (page, sel) => page.isVisible(sel);
const li = (page, title) => page.locator('#todo-list > li', {
	has: page.locator('label', { hasText: new RegExp(`^${title}$`) }) });

async function add(page, title) {
	await page.fill('#new-todo', title);
	await page.press('#new-todo', 'Enter');
}

// Wait until the list reads want (and the count, when given).
async function shows(page, want, left) {
	let seen;
	try {
		await until(async () => JSON.stringify(seen = await items(page)) ===
		    JSON.stringify(want), 'the list');
	} catch (e) {
		throw new Error(`the list should be ${JSON.stringify(want)}, ` +
		    `not ${JSON.stringify(seen)}`);
	}
	if (left !== undefined)
		await until(async () => (seen = (await count(page)).trim()) === left,
		    `the count should read "${left}"`);
}

watchLive(a, '/todos/live');
// After a failure, reload every page: an editor left open or a message
// left over would fail the next checks too.
const opened = [a];
onFailure(async () => {
	for (const p of opened)
		await p.reload();
});

await check('the page loads with the Datastar client', async () => {
	await load(a);
	eq(await a.title(), 'Nitro \u2022 TodoMVC', 'title');
});
await check('Datastar is the bundle given, served by the application', () => localBundle(a));
await check('the live stream opens', () => until(() => a.live > 0, 'GET /todos/live'));
await check('an empty list hides the main section and the footer', async () => {
	await until(async () => !(await visible(a, '#main')) && !(await visible(a, '#footer')),
	    'main and footer hidden');
});

// ---- adding --------------------------------------------------------------
await check('typing a title and Enter adds a todo', async () => {
	await add(a, 'Buy milk');
	await shows(a, ['Buy milk'], '1 item left');
});
await check('the field is cleared after adding', async () => {
	await until(async () => (await a.inputValue('#new-todo')) === '', 'an empty field');
});
await check('more todos are added in order, the count says "items"', async () => {
	await add(a, 'Walk the dog');
	await shows(a, ['Buy milk', 'Walk the dog']);
	await add(a, '  Read a book  ');
	await shows(a, ['Buy milk', 'Walk the dog', 'Read a book'], '3 items left');
});
await check('the footer shows, "Clear completed" does not', async () => {
	await until(async () => await visible(a, '#footer') && await visible(a, '#main'),
	    'main and footer visible');
	eq(await visible(a, '#clear-completed'), false, 'clear completed visible');
});

// ---- validation ----------------------------------------------------------
await check('a blank title shows a message next to the field', async () => {
	await add(a, '   ');
	const msg = await until(async () => (await a.textContent('#new-todo-error')).trim(),
	    'a message in #new-todo-error');
	if (!/required/i.test(msg))
		throw new Error(`message: ${msg}`);
	await until(() => visible(a, '#new-todo-error'), 'the message is visible');
	await shows(a, ['Buy milk', 'Walk the dog', 'Read a book'], '3 items left');
});
await check('a title over 200 characters is refused with a message', async () => {
	await add(a, 'x'.repeat(201));
	await until(async () => /200/.test(await a.textContent('#new-todo-error')),
	    'a message naming the limit');
	await shows(a, ['Buy milk', 'Walk the dog', 'Read a book'], '3 items left');
});
await check('the next good title clears the message', async () => {
	await add(a, 'Call Ann');
	await shows(a, ['Buy milk', 'Walk the dog', 'Read a book', 'Call Ann'], '4 items left');
	await until(async () => (await a.textContent('#new-todo-error')).trim() === '',
	    'an empty message');
});

// ---- toggling ------------------------------------------------------------
await check('clicking a checkbox completes the todo', async () => {
	await li(a, 'Walk the dog').locator('.toggle').click();
	await shows(a, ['Buy milk', 'Walk the dog (done)', 'Read a book', 'Call Ann'],
	    '3 items left');
	eq(await li(a, 'Walk the dog').locator('.toggle').isChecked(), true, 'checked');
});
await check('"Clear completed" appears once a todo is completed', () =>
	until(() => visible(a, '#clear-completed'), 'clear completed visible'));
await check('clicking it again makes the todo active', async () => {
	await li(a, 'Walk the dog').locator('.toggle').click();
	await shows(a, ['Buy milk', 'Walk the dog', 'Read a book', 'Call Ann'], '4 items left');
	eq(await li(a, 'Walk the dog').locator('.toggle').isChecked(), false, 'checked');
	await until(async () => !(await visible(a, '#clear-completed')), 'clear completed hidden');
});

// ---- editing -------------------------------------------------------------
await check('double-clicking a title opens the editor on it, focused', async () => {
	await li(a, 'Buy milk').locator('label').dblclick();
	const edit = li(a, 'Buy milk').locator('input.edit');
	await until(() => edit.isVisible(), 'the editor is visible');
	eq(await edit.inputValue(), 'Buy milk', 'the editor holds');
	await until(() => edit.evaluate((el) => el === document.activeElement), 'focused');
	eq(await li(a, 'Buy milk').locator('.view').isVisible(), false, 'the view is hidden');
});
await check('Enter saves the new title', async () => {
	const edit = li(a, 'Buy milk').locator('input.edit');
	await edit.fill('Buy oat milk');
	await edit.press('Enter');
	await shows(a, ['Buy oat milk', 'Walk the dog', 'Read a book', 'Call Ann'], '4 items left');
	await until(async () => (await a.locator('#todo-list input.edit:visible').count()) === 0,
	    'the editor closes');
});
await check('Escape cancels an edit', async () => {
	await li(a, 'Read a book').locator('label').dblclick();
	const edit = li(a, 'Read a book').locator('input.edit');
	await until(() => edit.isVisible(), 'the editor is visible');
	await edit.fill('Something else');
	await edit.press('Escape');
	await until(async () => !(await edit.isVisible()), 'the editor closes');
	await shows(a, ['Buy oat milk', 'Walk the dog', 'Read a book', 'Call Ann']);
});
await check('an edit over 200 characters shows a message under it', async () => {
	await li(a, 'Call Ann').locator('label').dblclick();
	const edit = li(a, 'Call Ann').locator('input.edit');
	await until(() => edit.isVisible(), 'the editor is visible');
	await edit.fill('y'.repeat(201));
	await edit.press('Enter');
	await until(async () => /200/.test(await li(a, 'Call Ann').locator('.error')
	    .textContent({ timeout: 200 })), 'a message in the item');
	await until(() => edit.isVisible(), 'the editor stays open');
	await edit.press('Escape');
	await shows(a, ['Buy oat milk', 'Walk the dog', 'Read a book', 'Call Ann']);
});
await check('leaving the editor saves too', async () => {
	await li(a, 'Call Ann').locator('label').dblclick();
	const edit = li(a, 'Call Ann').locator('input.edit');
	await until(() => edit.isVisible(), 'the editor is visible');
	await edit.fill('Call Ann back');
	await a.locator('h1').click();		/* blur */
	await shows(a, ['Buy oat milk', 'Walk the dog', 'Read a book', 'Call Ann back']);
});
await check('saving an empty title deletes the todo', async () => {
	await add(a, 'Temporary');
	await shows(a, ['Buy oat milk', 'Walk the dog', 'Read a book', 'Call Ann back',
	    'Temporary'], '5 items left');
	await li(a, 'Temporary').locator('label').dblclick();
	const edit = li(a, 'Temporary').locator('input.edit');
	await until(() => edit.isVisible(), 'the editor is visible');
	await edit.fill('');
	await edit.press('Enter');
	await shows(a, ['Buy oat milk', 'Walk the dog', 'Read a book', 'Call Ann back'],
	    '4 items left');
});

// ---- deleting ------------------------------------------------------------
await check('the delete button removes a todo', async () => {
	await li(a, 'Read a book').hover();
	await li(a, 'Read a book').locator('.destroy').click();
	await shows(a, ['Buy oat milk', 'Walk the dog', 'Call Ann back'], '3 items left');
});

// ---- toggle all ----------------------------------------------------------
await check('"Mark all as complete" completes every todo', async () => {
	await a.locator('#toggle-all').click();
	await shows(a, ['Buy oat milk (done)', 'Walk the dog (done)', 'Call Ann back (done)'],
	    '0 items left');
	await until(() => a.locator('#toggle-all').isChecked(), 'toggle-all checked');
});
await check('clicking it again makes every todo active', async () => {
	await a.locator('#toggle-all').click();
	await shows(a, ['Buy oat milk', 'Walk the dog', 'Call Ann back'], '3 items left');
	await until(async () => !(await a.locator('#toggle-all').isChecked()),
	    'toggle-all unchecked');
});

// ---- filters ---------------------------------------------------------------
await li(a, 'Walk the dog').locator('.toggle').click();
await check('the count and the list after completing one', () =>
	shows(a, ['Buy oat milk', 'Walk the dog (done)', 'Call Ann back'], '2 items left'));
await check('"Active" shows the active todos only', async () => {
	await a.click('.filters a:text-is("Active")');
	await until(() => a.url() === BASE + '/active', 'the URL /active');
	await shows(a, ['Buy oat milk', 'Call Ann back'], '2 items left');
	eq(await a.getAttribute('.filters a:text-is("Active")', 'class'), 'selected', 'class');
});
await check('completing a todo under "Active" hides it', async () => {
	await li(a, 'Call Ann back').locator('.toggle').click();
	await shows(a, ['Buy oat milk'], '1 item left');
});
await check('"Completed" shows the completed todos only', async () => {
	await a.click('.filters a:text-is("Completed")');
	await until(() => a.url() === BASE + '/completed', 'the URL /completed');
	await shows(a, ['Walk the dog (done)', 'Call Ann back (done)'], '1 item left');
	eq(await a.getAttribute('.filters a:text-is("Completed")', 'class'), 'selected', 'class');
});
await check('"All" shows every todo again', async () => {
	await a.click('.filters a:text-is("All")');
	await until(() => a.url() === BASE + '/', 'the URL /');
	await shows(a, ['Buy oat milk', 'Walk the dog (done)', 'Call Ann back (done)'],
	    '1 item left');
});

// ---- clear completed -------------------------------------------------------
await check('"Clear completed" removes the completed todos and hides itself', async () => {
	await a.click('#clear-completed');
	await shows(a, ['Buy oat milk'], '1 item left');
	await until(async () => !(await visible(a, '#clear-completed')), 'the button hides');
});
await check('the list survives a reload (SQLite)', async () => {
	await a.reload();
	await shows(a, ['Buy oat milk'], '1 item left');
});

// ---- two users -------------------------------------------------------------
const b = await open(browser, 'bob');
watchLive(b, '/todos/live');
opened.push(b);
a.live = 0;
await a.reload();
await check('a second browser context sees the same list', async () => {
	await load(b);
	await shows(b, ['Buy oat milk'], '1 item left');
	await until(() => a.live > 0 && b.live > 0, 'both live streams open');
});
await check("a todo added in one browser appears in the other's", async () => {
	await add(a, 'From Alice');
	await shows(b, ['Buy oat milk', 'From Alice'], '2 items left');
});
await check('a toggle in the other shows in the first', async () => {
	await li(b, 'From Alice').locator('.toggle').click();
	await shows(a, ['Buy oat milk', 'From Alice (done)'], '1 item left');
});
await check('an edit shows in the other browser', async () => {
	await li(b, 'Buy oat milk').locator('label').dblclick();
	const edit = li(b, 'Buy oat milk').locator('input.edit');
	await until(() => edit.isVisible(), 'the editor is visible');
	await edit.fill('Buy soy milk');
	await edit.press('Enter');
	await shows(a, ['Buy soy milk', 'From Alice (done)'], '1 item left');
});
await check("each browser keeps its own filter: Bob's Active list follows Alice", async () => {
	b.live = 0;
	await b.click('.filters a:text-is("Active")');
	await until(() => b.url() === BASE + '/active', 'the URL /active');
	await until(() => b.live > 0, "Bob's stream reopens");
	await shows(b, ['Buy soy milk'], '1 item left');
	await add(a, 'Second from Alice');
	await shows(b, ['Buy soy milk', 'Second from Alice'], '2 items left');
	await shows(a, ['Buy soy milk', 'From Alice (done)', 'Second from Alice'], '2 items left');
});
await check('"Clear completed" in one browser clears the other', async () => {
	await a.click('#clear-completed');
	await shows(a, ['Buy soy milk', 'Second from Alice'], '2 items left');
	await b.click('.filters a:text-is("All")');
	await shows(b, ['Buy soy milk', 'Second from Alice'], '2 items left');
});
await check('a delete in one browser removes the todo from the other', async () => {
	await li(a, 'Second from Alice').hover();
	await li(a, 'Second from Alice').locator('.destroy').click();
	await shows(b, ['Buy soy milk'], '1 item left');
});

diag(`Alice's streams: ${a.live}, Bob's: ${b.live}`);
await finish(browser);
