// The components of tests/integration/table_app's /components page in a
// real browser: tabs driven by the keyboard (arrow keys, Home, End, a
// roving tabindex), a modal dialog (Escape closes it, focus returns to the
// button that opened it), a dismissible toast, and the light/dark toggle,
// whose choice survives a reload without a flash of the other theme.
import { check, until, eq, launch, open, load, finish, onFailure, settles }
	from './lib.mjs';

const browser = await launch('components');
const p = await open(browser, 'visitor');

onFailure(() => p.reload());

const tab = (i) => p.locator(`#ui-tab-tab-${i}`);
const selected = () => p.$$eval('[role=tab]', (t) =>
	t.map((x) => x.getAttribute('aria-selected')).join(' '));
const tabindexes = () => p.$$eval('[role=tab]', (t) =>
	t.map((x) => x.getAttribute('tabindex')).join(' '));
const visiblePanels = () => p.$$eval('[role=tabpanel]', (ps) =>
	ps.filter((x) => x.offsetParent !== null).map((x) => x.id).join(' '));
const focusedId = () => p.evaluate(() => document.activeElement && document.activeElement.id);
const theme = () => p.evaluate(() => document.documentElement.getAttribute('data-theme'));

await check('the page loads with the Datastar client', () => load(p, '/components'));

// ---- tabs ------------------------------------------------------------------------
await check('the first tab is selected, the only one in the tab order', async () => {
	await settles(selected, 'true false false', 'aria-selected');
	eq(await tabindexes(), '0 -1 -1', 'tabindex');
	eq(await visiblePanels(), 'ui-tab-panel-0', 'the visible panel');
	eq(await tab(0).getAttribute('aria-controls'), 'ui-tab-panel-0', 'aria-controls');
	eq(await p.getAttribute('#ui-tab-panel-0', 'aria-labelledby'), 'ui-tab-tab-0',
	    'the panel is labelled by its tab');
});
await check('ArrowRight moves to and selects the next tab', async () => {
	await tab(0).focus();
	await p.keyboard.press('ArrowRight');
	await settles(selected, 'false true false', 'aria-selected');
	eq(await focusedId(), 'ui-tab-tab-1', 'focus');
	eq(await tabindexes(), '-1 0 -1', 'tabindex');
	await settles(visiblePanels, 'ui-tab-panel-1', 'the visible panel');
});
await check('ArrowRight on the last tab wraps to the first', async () => {
	await p.keyboard.press('ArrowRight');
	await settles(selected, 'false false true', 'aria-selected');
	await p.keyboard.press('ArrowRight');
	await settles(selected, 'true false false', 'aria-selected');
	eq(await focusedId(), 'ui-tab-tab-0', 'focus');
});
await check('ArrowLeft on the first wraps to the last; Home and End', async () => {
	await p.keyboard.press('ArrowLeft');
	await settles(selected, 'false false true', 'aria-selected');
	await p.keyboard.press('Home');
	await settles(selected, 'true false false', 'aria-selected');
	await p.keyboard.press('End');
	await settles(selected, 'false false true', 'aria-selected');
	eq(await focusedId(), 'ui-tab-tab-2', 'focus');
});
await check('Tab leaves the tab list for the panel', async () => {
	await p.keyboard.press('Tab');
	eq(await focusedId(), 'ui-tab-panel-2', 'focus');
});

// ---- dialog ------------------------------------------------------------------------
const opener = p.locator('button:text-is("Open dialog")');
await check('the button opens a modal dialog', async () => {
	await opener.click();
	await p.waitForSelector('dialog#demo:modal', { timeout: 4000 });
	eq(await p.getAttribute('dialog#demo', 'aria-labelledby'), 'demo-title', 'labelled by');
	eq(await p.textContent('#demo-title'), 'A dialog', 'its title');
	const inside = await p.evaluate(() => document.getElementById('demo').contains(document.activeElement));
	eq(inside, true, 'focus is inside the dialog');
});
await check('Escape closes it and focus returns to the opener', async () => {
	await p.keyboard.press('Escape');
	await until(async () => !(await p.$('dialog#demo:modal')), 'the dialog closes');
	eq(await p.evaluate(() => document.activeElement.textContent), 'Open dialog', 'focus');
});
await check('it opens again, and the close button closes it', async () => {
	await opener.click();
	await p.waitForSelector('dialog#demo:modal', { timeout: 4000 });
	await p.click('dialog#demo .nitro-dialog-close');
	await until(async () => !(await p.$('dialog#demo[open]')), 'the dialog closes');
	eq(await p.evaluate(() => document.activeElement.textContent), 'Open dialog', 'focus');
});

// ---- toast -------------------------------------------------------------------------
await check('a toast is announced and can be dismissed', async () => {
	await p.click('button:text-is("Show a toast")');
	await p.waitForSelector('#toasts .nitro-toast[role=status][aria-live=polite]', { timeout: 4000 });
	eq(await p.textContent('#toasts .nitro-toast-text'), 'Saved <everything>', 'its text, escaped');
	await p.click('#toasts .nitro-toast-close');
	await until(async () => (await p.$('#toasts .nitro-toast')) === null, 'the toast is gone');
});

// ---- code block --------------------------------------------------------------------
await check('the code block shows the code as written', async () => {
	eq(await p.textContent('.nitro-code code.language-c'), 'printf("<b>%d</b>\\n", 42);', 'the code');
});

// ---- theme -------------------------------------------------------------------------
const bg = () => p.evaluate(() => getComputedStyle(document.body).backgroundColor);
await check('light at first (no choice, a light system)', async () => {
	eq(await theme(), null, 'data-theme');
	eq(await p.getAttribute('.nitro-theme-toggle', 'aria-pressed'), 'false', 'aria-pressed');
	eq(await bg(), 'rgb(255, 255, 255)', 'the background');
});
await check('the toggle switches to dark', async () => {
	await p.click('.nitro-theme-toggle');
	await settles(theme, 'dark', 'data-theme');
	eq(await p.getAttribute('.nitro-theme-toggle', 'aria-pressed'), 'true', 'aria-pressed');
	await settles(bg, 'rgb(13, 17, 23)', 'the background');
});
await check('a reload keeps dark, set before the first paint', async () => {
	// What the page shows before any script but the head's has run.
	await p.goto(p.url(), { waitUntil: 'commit' });
	await p.waitForSelector('body', { state: 'attached' });
	eq(await theme(), 'dark', 'data-theme as the body is parsed');
	await load(p, '/components');
	eq(await theme(), 'dark', 'data-theme');
	await settles(() => p.getAttribute('.nitro-theme-toggle', 'aria-pressed'), 'true', 'aria-pressed');
});
await check('the dark system theme applies without a choice, and light can be chosen', async () => {
	await p.evaluate(() => localStorage.removeItem('nitro-theme'));
	await p.emulateMedia({ colorScheme: 'dark' });
	await load(p, '/components');
	eq(await theme(), null, 'data-theme');
	await settles(bg, 'rgb(13, 17, 23)', 'the background');
	await settles(() => p.getAttribute('.nitro-theme-toggle', 'aria-pressed'), 'true', 'aria-pressed');
	await p.click('.nitro-theme-toggle');
	await settles(theme, 'light', 'data-theme');
	await settles(bg, 'rgb(255, 255, 255)', 'the background');
	await load(p, '/components');
	eq(await theme(), 'light', 'after a reload');
});
await finish(browser);
