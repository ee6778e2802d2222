<?php

namespace MediaWiki\Extension\AuthBridge\Tests;

use MediaWiki\Http\HttpRequestFactory;
use MWHttpRequest;
use PHPUnit\Framework\TestCase;
use Status;

/**
 * A stand-in for the identity API behind HttpRequestFactory: answers from a queue and
 * records every request the extension makes (URL, options, headers).
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

	public function factory( TestCase $test ): HttpRequestFactory {
		$factory = $test->getMockBuilder( HttpRequestFactory::class )
			->disableOriginalConstructor()
			->onlyMethods( [ 'create' ] )
			->getMock();
		$factory->method( 'create' )->willReturnCallback(
			function ( $url, array $options ) use ( $test ) {
				$index = count( $this->requests );
				$this->requests[] = [ 'url' => $url, 'options' => $options, 'headers' => [] ];
				if ( !isset( $this->answers[$index] ) ) {
					throw new \LogicException( "unexpected request #$index to $url" );
				}
				[ $status, $body ] = $this->answers[$index];
				$request = $test->getMockBuilder( MWHttpRequest::class )
					->disableOriginalConstructor()
					->onlyMethods( [ 'setHeader', 'execute', 'getStatus', 'getContent' ] )
					->getMockForAbstractClass();
				$request->method( 'setHeader' )->willReturnCallback(
					function ( $name, $value ) use ( $index ) {
						$this->requests[$index]['headers'][$name] = $value;
					}
				);
				$request->method( 'execute' )->willReturn( $status === 0
					? Status::newFatal( $body )
					: ( $status < 400 ? Status::newGood() : Status::newFatal( 'http-bad-status', $status, '' ) ) );
				$request->method( 'getStatus' )->willReturn( $status );
				$request->method( 'getContent' )->willReturn( $status === 0 ? '' : $body );
				return $request;
			}
		);
		return $factory;
	}

	/** @return array|null decoded JSON body of request $i */
	public function jsonBody( int $i = 0 ): ?array {
		return json_decode( $this->requests[$i]['options']['postData'] ?? 'null', true );
	}
}
