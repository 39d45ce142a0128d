<?php
// The PHP peer of examples/todomvc's list page for bench/http (todo.sh):
// a plain script under PHP-FPM, as one would write the page in PHP.  It
// opens the SQLite database (fastcgi_param TODO_DB) read-only on every
// request, as a PHP script does, and prints the same bytes as the
// example's GET / (todo.sh compares them).

function e($s)
{
	return strtr($s, ['&' => '&amp;', '<' => '&lt;', '>' => '&gt;', '"' => '&quot;', "'" => '&#x27;']);
}

$db = new SQLite3($_SERVER['TODO_DB'], SQLITE3_OPEN_READONLY);
$res = $db->query('SELECT id, title, completed FROM todo ORDER BY id');
$items = '';
$n = 0;
$active = 0;
while ($row = $res->fetchArray(SQLITE3_NUM)) {
	[$id, $title, $done] = $row;
	$n++;
	if (!$done)
		$active++;
	$items .= '<li id="todo-' . $id . '"' . ($done ? ' class="completed"' : '') .
	    '><div class="view" data-show="$editing !== \'' . $id .
	    '\'" data-preserve-attr="style"><input class="toggle" type="checkbox"' .
	    ($done ? ' checked data-init="el.checked = true"' : ' data-init="el.checked = false"') .
	    ' data-on:click="@post(\'/todos/' . $id .
	    '/toggle\')"><label data-on:dblclick="$draft = el.textContent; $editing = \'' . $id .
	    '\'; setTimeout(() => document.getElementById(\'edit-' . $id . '\').focus())">' .
	    e($title) .
	    '</label><button class="destroy" title="Delete" data-on:click="@delete(\'/todos/' . $id .
	    '\')"></button></div><input id="edit-' . $id .
	    '" class="edit" style="display: none" data-show="$editing === \'' . $id .
	    '\'" data-preserve-attr="style" data-bind:draft data-on:keydown="evt.key === \'Enter\' ' .
	    '&& el.blur(); evt.key === \'Escape\' && ($editing = \'\')" data-on:blur="$editing === \'' . $id .
	    '\' && ($editing = \'\', @patch(\'/todos/' . $id . '\'))"><p class="error"></p></li>';
}
$db->close();

header('Content-Type: text/html; charset=utf-8');
?>
<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Nitro • TodoMVC</title><link rel="stylesheet" href="/todomvc.css"><script type="module" src="https://cdn.jsdelivr.net/gh/starfederation/datastar@1.0.0/bundles/datastar.js"></script></head><body><section id="todoapp" class="todoapp" data-signals="{title: &#x27;&#x27;, draft: &#x27;&#x27;, editing: &#x27;&#x27;, filter: &#x27;all&#x27;}" data-init="@get(&#x27;/todos/live&#x27;, {retry: &#x27;always&#x27;})"><header class="header"><h1>todos</h1><form data-on:submit__prevent="@post(&#x27;/todos&#x27;)"><input id="new-todo" class="new-todo" placeholder="What needs to be done?" autocomplete="off" autofocus data-bind:title></form><p id="new-todo-error" class="error"></p></header><section id="main" class="main"<?= $n ? '' : ' hidden' ?>><input id="toggle-all" class="toggle-all" type="checkbox"<?= $active ? ' data-init="el.checked = false"' : ' checked data-init="el.checked = true"' ?> data-on:click="@post(&#x27;/todos/toggle-all&#x27;)"><label for="toggle-all">Mark all as complete</label><ul id="todo-list" class="todo-list"><?= $items ?></ul></section><footer id="footer" class="footer"<?= $n ? '' : ' hidden' ?>><span id="todo-count" class="todo-count"><strong><?= $active ?></strong> <?= $active == 1 ? 'item' : 'items' ?> left</span><ul class="filters"><li><a href="/" class="selected">All</a></li><li><a href="/active">Active</a></li><li><a href="/completed">Completed</a></li></ul><button id="clear-completed" class="clear-completed"<?= $n == $active ? ' hidden' : '' ?> data-on:click="@delete(&#x27;/todos/completed&#x27;)">Clear completed</button></footer></section><footer class="info"><p>Double-click to edit a todo</p><p>Written in C with Nitro</p></footer></body></html><?php
