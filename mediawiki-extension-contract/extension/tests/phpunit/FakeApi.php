<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use LogicException;
use MediaWiki\Http\HttpRequestFactory;
use MediaWiki\Status\Status;
use MWHttpRequest;

/**
 * A stand-in for the identity API behind HttpRequestFactory: answers from a queue and
 * records every request the extension makes (URL, options, headers). Plain subclasses rather
 * than PHPUnit mocks, so the same code runs on PHPUnit 9 (MediaWiki 1.39) and 11 (1.43).
 */
class FakeApi {
	/** @var array[] queued answers: [ status, body ] or [ 0, errorKey ] for no answer */
	private $answers = [];
	/** @var array[] recorded requests: url, options, headers */
	public $requests = [];

	public function answer( int $status, string $body ): self {
		$this->answers[] = [ $status, $body ];
		return $this;
	}

	public function answerJson( int $status, $body ): self {
		return $this->answer( $status, json_encode( $body ) );
	}

	public function noAnswer( string $errorKey = 'http-timed-out' ): self {
		$this->answers[] = [ 0, $errorKey ];
		return $this;
	}

	/**
	 * @param string $url
	 * @param array $options
	 * @return MWHttpRequest
	 */
	public function create( string $url, array $options ): MWHttpRequest {
		$index = count( $this->requests );
		$this->requests[] = [ 'url' => $url, 'options' => $options, 'headers' => [] ];
		if ( !isset( $this->answers[$index] ) ) {
			throw new LogicException( "unexpected request #$index to $url" );
		}
		[ $status, $body ] = $this->answers[$index];
		return new FakeHttpRequest( $status, $body, function ( $name, $value ) use ( $index ) {
			$this->requests[$index]['headers'][$name] = $value;
		} );
	}

	/** @return HttpRequestFactory answering from this fake */
	public function factory(): HttpRequestFactory {
		return new FakeHttpRequestFactory( $this );
	}

	/** @return array|null decoded JSON body of request $i */
	public function jsonBody( int $i = 0 ): ?array {
		return json_decode( $this->requests[$i]['options']['postData'] ?? 'null', true );
	}
}

/** HttpRequestFactory whose requests go to a FakeApi. */
class FakeHttpRequestFactory extends HttpRequestFactory {
	/** @var FakeApi */
	private $api;

	public function __construct( FakeApi $api ) {
		// The parent's services are never used: create() is the only method the extension calls.
		$this->api = $api;
	}

	/** @inheritDoc */
	public function create( $url, array $options = [], $caller = __METHOD__ ) {
		return $this->api->create( $url, $options );
	}
}

/** One canned answer. */
class FakeHttpRequest extends MWHttpRequest {
	/** @var int */
	private $fakeStatus;
	/** @var string */
	private $fakeBody;
	/** @var callable */
	private $onHeader;

	public function __construct( int $status, string $body, callable $onHeader ) {
		$this->fakeStatus = $status;
		$this->fakeBody = $body;
		$this->onHeader = $onHeader;
	}

	/** @inheritDoc */
	public function setHeader( $name, $value ) {
		( $this->onHeader )( $name, $value );
	}

	/** @inheritDoc */
	public function execute() {
		if ( $this->fakeStatus === 0 ) {
			return Status::newFatal( $this->fakeBody );
		}
		return $this->fakeStatus < 400
			? Status::newGood()
			: Status::newFatal( 'http-bad-status', $this->fakeStatus, '' );
	}

	/** @inheritDoc */
	public function getStatus() {
		return $this->fakeStatus;
	}

	/** @inheritDoc */
	public function getContent() {
		return $this->fakeStatus === 0 ? '' : $this->fakeBody;
	}
}
