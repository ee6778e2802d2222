<?php
/**
 * Runs WordPress's own PHP against a scratch database, for test/support/wordpress.cjs: installs
 * WordPress (wp_install) and creates, changes and deletes users with WordPress's functions.
 * Usage: php wordpress-cli.php JOB.json  (JOB: db, prefix, abspath, install, ops); prints JSON.
 */
$job = json_decode( file_get_contents( $argv[1] ), true );
define( 'DB_NAME', $job['db']['name'] );
define( 'DB_USER', $job['db']['user'] );
define( 'DB_PASSWORD', $job['db']['password'] );
define( 'DB_HOST', $job['db']['host'] );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
define( 'ABSPATH', rtrim( $job['abspath'], '/' ) . '/' );
define( 'WP_DEBUG', false );
$table_prefix = $job['prefix'];
$_SERVER['HTTP_HOST'] = 'wordpress.test';
$_SERVER['SERVER_NAME'] = 'wordpress.test';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
if ( !empty( $job['install'] ) ) {
	define( 'WP_INSTALLING', true );
}
// No mail server here: WordPress's pluggable wp_mail, replaced as a plugin would.
function wp_mail() {
	return true;
}
require ABSPATH . 'wp-settings.php';
require_once ABSPATH . 'wp-admin/includes/user.php';

global $wpdb, $wp_version;
$out = [ 'version' => $wp_version, 'results' => [] ];
if ( !empty( $job['install'] ) ) {
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	$installed = wp_install( 'AuthBridge test site', 'wpadmin', 'wpadmin@example.org', false, '', 'Wp-admin-pass-42' );
	$out['install'] = $installed['user_id'];
}
foreach ( $job['ops'] ?? [] as $op ) {
	switch ( $op['op'] ) {
		case 'insert':
			$r = wp_insert_user( $op['user'] );
			break;
		case 'update':
			$r = wp_update_user( $op['user'] );
			break;
		case 'set_password':
			wp_set_password( $op['password'], $op['id'] );
			$r = true;
			break;
		case 'delete':
			$r = wp_delete_user( $op['id'] );
			break;
		case 'rename':
			// WordPress has no function that changes user_login (wp_update_user leaves it out);
			// rename plugins write the column, as here.
			$r = $wpdb->update( $wpdb->users, [ 'user_login' => $op['login'] ], [ 'ID' => $op['id'] ] );
			break;
		case 'add_multisite_columns':
			// The two columns WordPress's multisite users table has (wp-admin/includes/schema.php).
			$r = $wpdb->query( "ALTER TABLE {$wpdb->users} ADD spam tinyint(2) NOT NULL default '0', ADD deleted tinyint(2) NOT NULL default '0'" );
			break;
		case 'set_column':
			// As multisite's update_user_status() does for spam / deleted; also user_status.
			$r = $wpdb->update( $wpdb->users, [ $op['column'] => $op['value'] ], [ 'ID' => $op['id'] ] );
			break;
		case 'set_meta':
			$r = update_user_meta( $op['id'], $op['key'], $op['value'] );
			break;
		case 'check_password':
			$user = get_user_by( 'id', $op['id'] );
			$r = wp_check_password( $op['password'], $user->user_pass, $op['id'] );
			break;
		case 'get':
			$r = $wpdb->get_row( $wpdb->prepare( "SELECT ID, user_login, user_pass, user_email FROM {$wpdb->users} WHERE ID = %d", $op['id'] ), ARRAY_A );
			break;
		default:
			$r = new WP_Error( 'unknown_op', $op['op'] );
	}
	if ( is_wp_error( $r ) ) {
		fwrite( STDERR, "wordpress-cli: {$op['op']}: " . $r->get_error_message() . "\n" );
		exit( 1 );
	}
	$out['results'][] = $r;
}
echo json_encode( $out );
