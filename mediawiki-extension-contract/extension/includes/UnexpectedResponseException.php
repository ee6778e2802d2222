<?php

namespace MediaWiki\Extension\AuthBridge;

use RuntimeException;

/**
 * The identity API did not answer as the contract says: connection refused, timeout,
 * an unexpected status, a body that is not JSON or does not match the schema.
 * The message is for the administrator's log only, never shown to a person,
 * and never contains the password or the client secret.
 */
class UnexpectedResponseException extends RuntimeException {
	/** @var int HTTP status, 0 when there was no answer */
	private $httpStatus;

	public function __construct( string $message, int $httpStatus = 0 ) {
		parent::__construct( $message );
		$this->httpStatus = $httpStatus;
	}

	public function getHttpStatus(): int {
		return $this->httpStatus;
	}
}
