<?php
/**
 * An example of the website endpoint AuthBridge's USER_SOURCE=http calls (SPEC.md "The HTTP
 * user source"; schemas/http-user-source-request.schema.json and -response.schema.json). Put the
 * same logic on top of your own users table; this one reads a small SQLite file made by
 * manage.php, with passwords hashed by PHP's password_hash().
 *
 * Settings (environment): AUTHBRIDGE_SOURCE_SECRET (the USER_SOURCE_SECRET you give AuthBridge)
 * and EXAMPLE_USERS_DB (the SQLite file, default users.sqlite beside this file).
 * Try it: php -S 127.0.0.1:8099 endpoint.php
 */

declare( strict_types=1 );

const MAX_REQUEST_BYTES = 65536;
const LIST_LIMIT = 100;

function answer( int $status, array $body ): never {
	http_response_code( $status );
	header( 'Content-Type: application/json' );
	header( 'Cache-Control: no-store' );
	echo json_encode( $body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR );
	exit;
}

/** A row as the contract's user object: id as a string, groups as a list. */
function userJson( array $row ): array {
	return [
		'id' => (string)$row['id'],
		'login' => $row['login'],
		'email' => $row['email'] === '' ? null : $row['email'],
		'realName' => $row['real_name'],
		'groups' => $row['groups'] === '' ? [] : explode( ',', $row['groups'] ),
		'disabled' => (bool)$row['disabled'],
		'createdAt' => gmdate( 'Y-m-d\TH:i:s\Z', (int)$row['created_at'] ),
	];
}

if ( ( $_SERVER['REQUEST_METHOD'] ?? '' ) !== 'POST' ) {
	answer( 405, [ 'error' => 'POST only' ] );
}
$secret = (string)getenv( 'AUTHBRIDGE_SOURCE_SECRET' );
// Header names are case-insensitive and AuthBridge sends "authorization"; where the server sets no
// HTTP_AUTHORIZATION (Apache with mod_php), getallheaders() keeps the case the client sent.
$authorization = $_SERVER['HTTP_AUTHORIZATION']
	?? ( function_exists( 'getallheaders' ) ? ( array_change_key_case( getallheaders(), CASE_LOWER )['authorization'] ?? '' ) : '' );
// hash_equals: the comparison takes as long whatever the first wrong character.
if ( strlen( $secret ) < 16 || !hash_equals( 'Bearer ' . $secret, (string)$authorization ) ) {
	answer( 401, [ 'error' => 'unauthorized' ] );
}
$raw = (string)file_get_contents( 'php://input', false, null, 0, MAX_REQUEST_BYTES + 1 );
$request = strlen( $raw ) > MAX_REQUEST_BYTES ? null : json_decode( $raw, true );
if ( !is_array( $request ) || !is_string( $request['action'] ?? null ) ) {
	answer( 400, [ 'error' => 'bad request' ] );
}

try {
	$file = getenv( 'EXAMPLE_USERS_DB' ) ?: __DIR__ . '/users.sqlite';
	if ( !is_file( $file ) ) {
		throw new RuntimeException( 'no user database' );
	}
	// Read-only: the endpoint never changes users (manage.php does).
	$db = new PDO( 'sqlite:' . $file, null, null, [
		PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
		PDO::ATTR_DEFAULT_FETCH_MODE => PDO::FETCH_ASSOC,
		PDO::SQLITE_ATTR_OPEN_FLAGS => PDO::SQLITE_OPEN_READONLY,
	] );
	$find = static function ( string $where, array $params ) use ( $db ): array {
		$statement = $db->prepare( "SELECT * FROM users WHERE $where ORDER BY id LIMIT 10" );
		$statement->execute( $params );
		return $statement->fetchAll();
	};

	switch ( $request['action'] ) {
		case 'ping':
			$db->query( 'SELECT 1 FROM users LIMIT 1' );
			answer( 200, [ 'ok' => true ] );

		case 'lookup':
			$by = $request['by'] ?? '';
			$value = $request['value'] ?? null;
			if ( !in_array( $by, [ 'login', 'email', 'id' ], true ) || !is_string( $value ) ) {
				answer( 400, [ 'error' => 'bad lookup' ] );
			}
			$rows = $find( $by === 'login' ? 'login = ? COLLATE NOCASE' : ( $by === 'email' ? 'email = ? COLLATE NOCASE' : 'id = ?' ), [ $value ] );
			answer( 200, [ 'users' => array_map( 'userJson', $rows ) ] );

		case 'list':
			$limit = max( 1, min( LIST_LIMIT, (int)( $request['limit'] ?? 50 ) ) );
			$prefix = str_replace( [ '\\', '%', '_' ], [ '\\\\', '\\%', '\\_' ], (string)( $request['prefix'] ?? '' ) );
			$statement = $db->prepare( "SELECT * FROM users WHERE id > ? AND login LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?" );
			$statement->execute( [ (int)( $request['afterId'] ?? 0 ), $prefix . '%', $limit + 1 ] );
			$rows = $statement->fetchAll();
			answer( 200, [ 'users' => array_map( 'userJson', array_slice( $rows, 0, $limit ) ), 'more' => count( $rows ) > $limit ] );

		case 'verify':
			$password = $request['password'] ?? null;
			$login = $request['login'] ?? null;
			$id = $request['id'] ?? null;
			if ( !is_string( $password ) || !is_string( $login ) || ( $id !== null && !is_string( $id ) ) ) {
				answer( 400, [ 'error' => 'bad verify' ] );
			}
			// AuthBridge sends the id of the account it resolved; without one, the name as typed.
			$rows = $id !== null ? $find( 'id = ?', [ $id ] ) : $find( 'login = ? COLLATE NOCASE', [ $login ] );
			if ( count( $rows ) !== 1 ) {
				// The same cost as a real check, so an unknown name answers no faster.
				password_verify( $password, '$2y$10$' . str_repeat( 'a', 53 ) );
				answer( 200, [ 'result' => 'NO_SUCH_USER' ] );
			}
			if ( !password_verify( $password, $rows[0]['password_hash'] ) ) {
				answer( 200, [ 'result' => 'WRONG_PASSWORD' ] );
			}
			answer( 200, [ 'result' => 'PASS', 'user' => userJson( $rows[0] ) ] );

		default:
			answer( 400, [ 'error' => 'unknown action' ] );
	}
} catch ( Throwable $e ) {
	// The detail goes to the web server's log, not to the caller.
	error_log( 'authbridge endpoint: ' . $e->getMessage() );
	answer( 500, [ 'error' => 'internal error' ] );
}
