<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use Psr\Log\AbstractLogger;

/** Keeps log records so tests can assert what is (and is not) logged. */
class ArrayLogger extends AbstractLogger {
	/** @var array[] [ level, message, context ] */
	public $records = [];

	public function log( $level, $message, array $context = [] ): void {
		$this->records[] = [ $level, (string)$message, $context ];
	}

	/** @return string every record with its context, for searching */
	public function dump(): string {
		return json_encode( $this->records );
	}
}
