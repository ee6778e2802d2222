<?php
/**
 * Special page aliases of AuthBridge.
 *
 * @file
 */

$specialPageAliases = [];

/** English */
$specialPageAliases['en'] = [
	'AuthBridgeLogin' => [ 'AuthBridgeLogin' ],
	'AuthBridge' => [ 'AuthBridge' ],
];
