<?php
require __DIR__ . '/lib.php';
start_session();
$error = '';
if ( $_SERVER['REQUEST_METHOD'] === 'POST' ) {
	$username = (string)( $_POST['username'] ?? '' );
	$password = (string)( $_POST['password'] ?? '' );
	if ( $username === '' || $password === '' ) {
		$error = 'Please enter your user name and password.';
	} else {
		// The website checks passwords through the identity API with its own client credential.
		[ $status, $answer ] = api( 'POST', '/v1/auth/verify', [
			'username' => $username,
			'password' => $password,
			'context' => [ 'ip' => (string)( $_SERVER['REMOTE_ADDR'] ?? '' ), 'userAgent' => substr( (string)( $_SERVER['HTTP_USER_AGENT'] ?? '' ), 0, 512 ) ],
		] );
		if ( $status === 200 && ( $answer['result'] ?? null ) === 'PASS' ) {
			session_regenerate_id( true );
			$_SESSION['username'] = $answer['user']['username'];
			$_SESSION['remember'] = !empty( $_POST['remember'] );
			$_SESSION['csrf'] = bin2hex( random_bytes( 16 ) );
			redirect( '/' );
		}
		$error = $status === 200 ? 'Wrong user name or password.' : 'The account service is unavailable.';
	}
}
?><!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Log in — Example website</title></head>
<body>
<h1>Log in</h1>
<?php if ( $error !== '' ): ?><p id="error"><?= h( $error ) ?></p><?php endif; ?>
<form method="post" action="/login.php">
	<label>User name <input id="username" name="username" autocomplete="username"></label>
	<label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label>
	<label><input id="remember" name="remember" type="checkbox" value="1"> Keep me logged in (also on the wiki)</label>
	<button id="submit" type="submit">Log in</button>
</form>
</body></html>
