<?php
/**
 * The website's own login. SSO extends this login to every wiki, so it must resist login CSRF:
 * another site making the visitor's browser post the attacker's name and password here would
 * log the visitor in to the website, and from there to the wiki, as the attacker. So the form
 * carries a per-session token and a POST without it (or without the session cookie, which
 * SameSite=Lax keeps off cross-site POSTs) is refused before the password is checked.
 */
require __DIR__ . '/lib.php';
$error = '';
if ( $_SERVER['REQUEST_METHOD'] === 'POST' ) {
	if ( !start_session() || !csrf_valid() ) {
		refuse_forged_form( '/login.php' );
	}
	$username = (string)( $_POST['username'] ?? '' );
	$password = (string)( $_POST['password'] ?? '' );
	if ( $username === '' || $password === '' ) {
		$error = 'Please enter your user name and password.';
	} else {
		// The website checks passwords through the identity API with its own client credential;
		// the client is created with --forwards-end-user-address, so `context.ip` (the person's
		// address, not this server's) is what the API's per-address limits count.
		[ $status, $answer ] = api( 'POST', '/v1/auth/verify', [
			'username' => $username,
			'password' => $password,
			'context' => [ 'ip' => (string)( $_SERVER['REMOTE_ADDR'] ?? '' ), 'userAgent' => substr( (string)( $_SERVER['HTTP_USER_AGENT'] ?? '' ), 0, 512 ) ],
		] );
		if ( $status === 200 && ( $answer['result'] ?? null ) === 'PASS' ) {
			// A new id (the old one may have been seen or set by someone else) and a new token.
			session_regenerate_id( true );
			$_SESSION = [
				'username' => $answer['user']['username'],
				'remember' => !empty( $_POST['remember'] ),
			];
			csrf_token();
			redirect( '/' );
		}
		$error = $status === 200 ? 'Wrong user name or password.' : 'The account service is unavailable.';
	}
} else {
	start_session( true );
}
header( 'Cache-Control: no-store' );
?><!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Log in — Example website</title></head>
<body>
<h1>Log in</h1>
<?php if ( $error !== '' ): ?><p id="error"><?= h( $error ) ?></p><?php endif; ?>
<form method="post" action="/login.php">
	<input type="hidden" name="csrf" value="<?= h( csrf_token() ) ?>">
	<label>User name <input id="username" name="username" autocomplete="username"></label>
	<label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label>
	<label><input id="remember" name="remember" type="checkbox" value="1"> Keep me logged in (also on the wiki)</label>
	<button id="submit" type="submit">Log in</button>
</form>
</body></html>
