<?php

namespace MediaWiki\Extension\AuthBridge\Rest;

use MediaWiki\Rest\HttpException;
use MediaWiki\Rest\Validator\JsonBodyValidator;

/**
 * LogoutHandler on MediaWiki 1.39-1.41, which validate a body through getBodyValidator()
 * (deprecated, and flagged when overridden, from 1.43): the same parameter settings, handed to
 * MediaWiki's JSON body validator.
 */
class LegacyBodyLogoutHandler extends LogoutHandler {
	/** @inheritDoc */
	public function getBodyValidator( $contentType ) {
		if ( $contentType !== 'application/json' ) {
			throw new HttpException( 'The body must be application/json', 415 );
		}
		return new JsonBodyValidator( $this->getBodyParamSettings() );
	}
}
