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
];
