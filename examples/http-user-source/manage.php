<?php
/**
 * The example's user store: php manage.php <command> …, on EXAMPLE_USERS_DB (default
 * users.sqlite here).
 *
 *   init
 *   add <login> <email> <password> [<group,group>] [<real name>]   prints the new id
 *   set-password <id> <password> | rename <id> <login> | disable <id> | enable <id> | delete <id>
 */

declare( strict_types=1 );

$file = getenv( 'EXAMPLE_USERS_DB' ) ?: __DIR__ . '/users.sqlite';
$db = new PDO( 'sqlite:' . $file, null, null, [ PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION ] );
[ , $command ] = $argv + [ 1 => '' ];
$args = array_slice( $argv, 2 );
$run = static fn ( string $sql, array $params ) => $db->prepare( $sql )->execute( $params );

switch ( $command ) {
	case 'init':
		$db->exec( "CREATE TABLE IF NOT EXISTS users (
			id INTEGER PRIMARY KEY AUTOINCREMENT,
			login TEXT NOT NULL UNIQUE COLLATE NOCASE,
			email TEXT NOT NULL DEFAULT '',
			real_name TEXT NOT NULL DEFAULT '',
			password_hash TEXT NOT NULL,
			groups TEXT NOT NULL DEFAULT '',
			disabled INTEGER NOT NULL DEFAULT 0,
			created_at INTEGER NOT NULL
		)" );
		break;
	case 'add':
		[ $login, $email, $password ] = $args;
		$run( 'INSERT INTO users (login, email, real_name, password_hash, groups, created_at) VALUES (?, ?, ?, ?, ?, ?)',
			[ $login, $email, $args[4] ?? '', password_hash( $password, PASSWORD_DEFAULT ), $args[3] ?? '', time() ] );
		echo $db->lastInsertId(), "\n";
		break;
	case 'set-password':
		$run( 'UPDATE users SET password_hash = ? WHERE id = ?', [ password_hash( $args[1], PASSWORD_DEFAULT ), $args[0] ] );
		break;
	case 'rename':
		$run( 'UPDATE users SET login = ? WHERE id = ?', [ $args[1], $args[0] ] );
		break;
	case 'disable':
	case 'enable':
		$run( 'UPDATE users SET disabled = ? WHERE id = ?', [ $command === 'disable' ? 1 : 0, $args[0] ] );
		break;
	case 'delete':
		$run( 'DELETE FROM users WHERE id = ?', [ $args[0] ] );
		break;
	default:
		fwrite( STDERR, "usage: php manage.php init|add|set-password|rename|disable|enable|delete …\n" );
		exit( 2 );
}
