<?php
require __DIR__ . '/lib.php';
start_session();
$user = current_user();
?><!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Example website</title></head>
<body>
<h1>Example website</h1>
<?php if ( $user === null ): ?>
	<p id="status">You are not logged in.</p>
	<p><a id="login" href="/login.php">Log in</a></p>
<?php else: ?>
	<p id="status">Logged in as <strong id="username"><?= h( $user ) ?></strong>.</p>
	<p><a id="go-to-wiki" href="<?= h( wiki_start_url() ) ?>">Go to the wiki</a></p>
	<form method="post" action="/logout.php">
		<input type="hidden" name="csrf" value="<?= h( csrf_token() ) ?>">
		<button id="logout" type="submit">Log out</button>
	</form>
<?php endif; ?>
</body></html>
