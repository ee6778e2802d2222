<?php
// "Go to the wiki": the few lines that replace the fragile wikilogin.php scripts.
require __DIR__ . '/lib.php';
start_session();
$user = current_user();
if ( $user === null ) {
	redirect( '/login.php' );
}
go_to_wiki( $user, isset( $_GET['returnto'] ) ? (string)$_GET['returnto'] : null );
