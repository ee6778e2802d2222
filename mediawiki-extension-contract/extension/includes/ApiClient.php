<?php

namespace MediaWiki\Extension\AuthBridge;

use MediaWiki\Extension\AuthBridge\Generated\ContractConstants;
use MediaWiki\Http\HttpRequestFactory;
use MediaWiki\Http\Telemetry;
use MediaWiki\Request\WebRequest;
use Psr\Log\LoggerInterface;

/**
 * The one place that talks to the identity API (contract version 1, SPEC.md).
 * Answers are validated strictly; whatever does not match the contract throws
 * UnexpectedResponseException, so a malformed answer can never become a login.
 */
class ApiClient {
	/** @var HttpRequestFactory */
	private $httpRequestFactory;
	/** @var string */
	private $baseUrl;
	/** @var string */
	private $secret;
	/** @var float */
	private $timeout;
	/** @var LoggerInterface */
	private $logger;

	/**
	 * @param HttpRequestFactory $httpRequestFactory
	 * @param string $baseUrl e.g. https://id.example.org (without /v1)
	 * @param string $secret client credential abk_...
	 * @param float $timeout seconds for connect and answer together
	 * @param LoggerInterface $logger
	 */
	public function __construct(
		HttpRequestFactory $httpRequestFactory,
		string $baseUrl,
		string $secret,
		float $timeout,
		LoggerInterface $logger
	) {
		$this->httpRequestFactory = $httpRequestFactory;
		$this->baseUrl = rtrim( $baseUrl, '/' );
		$this->secret = $secret;
		$this->timeout = $timeout;
		$this->logger = $logger;
	}

	/**
	 * This web request's id, as MediaWiki puts it in its own log lines and sends to other
	 * services: the identity API keeps it as its request id (X-Request-Id, SPEC.md "Request
	 * ids"), so one id finds the login in the wiki's log and in the API's.
	 *
	 * @return string
	 */
	public static function requestId(): string {
		// Telemetry replaces WebRequest::getRequestId() from MediaWiki 1.41 (deprecated in 1.43)
		return class_exists( Telemetry::class )
			? Telemetry::getInstance()->getRequestId()
			: WebRequest::getRequestId();
	}

	/**
	 * POST /v1/auth/verify
	 *
	 * @param string $username as typed by the person
	 * @param string $password
	 * @param array $context end user's ip, userAgent, requestId (strings; empty ones are left out)
	 * @return VerifyResult
	 * @throws UnexpectedResponseException
	 */
	public function verify( string $username, string $password, array $context ): VerifyResult {
		$payload = [ 'username' => $username, 'password' => $password ];
		$context = array_filter( $context, static function ( $value ) {
			return is_string( $value ) && $value !== '';
		} );
		if ( $context ) {
			$payload['context'] = $context;
		}
		[ $status, $body ] = $this->request( 'POST', ContractConstants::API_VERIFY_PATH, $payload );
		return self::parseVerifyResponse( $status, $body );
	}

	/**
	 * GET /v1/users/{username}
	 *
	 * @param string $username
	 * @return RemoteUser|null null when the API says the user does not exist (404) or
	 *  cannot exist (400)
	 * @throws UnexpectedResponseException
	 */
	public function getUser( string $username ): ?RemoteUser {
		$path = ContractConstants::API_USERS_PATH . '/' . rawurlencode( $username );
		[ $status, $body ] = $this->request( 'GET', $path, null );
		if ( $status === 404 || $status === 400 ) {
			return null;
		}
		if ( $status !== 200 ) {
			throw self::refusal( 'GET /v1/users', $status, $body );
		}
		return self::parseUser( self::decodeObject( $status, $body ), $status );
	}

	/**
	 * GET /v1/users?prefix= or ?email= (Special:AuthBridge's search; scope users:read).
	 *
	 * @param array $query `prefix` (with `cursor`) or `email`, and `limit`
	 * @return array [ RemoteUser[], string|null nextCursor ]
	 * @throws UnexpectedResponseException (MissingScopeException without users:read; a refused
	 *  query, e.g. a forged cursor, with its HTTP status 400)
	 */
	public function listUsers( array $query ): array {
		$query = array_filter( $query, static function ( $value ) {
			return $value !== null;
		} );
		[ $status, $body ] = $this->request( 'GET', '/v1/users?' . http_build_query( $query ), null );
		if ( $status !== 200 ) {
			throw self::refusal( 'GET /v1/users', $status, $body );
		}
		$data = self::decodeObject( $status, $body );
		if ( !is_array( $data['items'] ?? null ) || !array_is_list( $data['items'] )
			|| !( ( $data['nextCursor'] ?? null ) === null || is_string( $data['nextCursor'] ) )
		) {
			throw new UnexpectedResponseException( 'user page does not match the contract', $status );
		}
		$users = [];
		foreach ( $data['items'] as $item ) {
			if ( !is_array( $item ) ) {
				throw new UnexpectedResponseException( 'user page holds a non-object', $status );
			}
			$users[] = self::parseUser( $item, $status );
		}
		return [ $users, $data['nextCursor'] ?? null ];
	}

	/**
	 * GET /v1/users/{username}/lock (scope users:read): the brute-force counters of a name.
	 *
	 * @param string $username
	 * @return array the contract's AccountLock: locked, account, addresses[] (each with
	 *  failures, lockedUntil, retryAfterSeconds; addresses also `address`), and, from contract
	 *  1.4.0 on, checks (the account-wide ceiling: lastHour, limit, retryAfterSeconds)
	 * @throws UnexpectedResponseException
	 */
	public function getLock( string $username ): array {
		[ $status, $body ] = $this->request( 'GET', '/v1/users/' . rawurlencode( $username ) . '/lock', null );
		if ( $status !== 200 ) {
			throw self::refusal( 'GET /v1/users/{username}/lock', $status, $body );
		}
		$data = self::decodeObject( $status, $body );
		$counters = array_merge(
			[ $data['account'] ?? null ],
			is_array( $data['addresses'] ?? null ) ? $data['addresses'] : [ null ]
		);
		if ( !is_bool( $data['locked'] ?? null ) ) {
			throw new UnexpectedResponseException( 'lock answer does not match the contract', $status );
		}
		foreach ( $counters as $i => $counter ) {
			if ( !is_array( $counter )
				|| !is_int( $counter['failures'] ?? null )
				|| !is_int( $counter['retryAfterSeconds'] ?? null )
				|| !( ( $counter['lockedUntil'] ?? null ) === null || is_string( $counter['lockedUntil'] ) )
				|| ( $i > 0 && !is_string( $counter['address'] ?? null ) )
			) {
				throw new UnexpectedResponseException( 'lock answer does not match the contract', $status );
			}
		}
		// An API older than contract 1.4.0 sends no `checks`; one that sends it sends all of it.
		if ( array_key_exists( 'checks', $data ) && !self::isCeiling( $data['checks'] ) ) {
			throw new UnexpectedResponseException( 'lock answer does not match the contract', $status );
		}
		return $data;
	}

	/**
	 * The lock answer's `checks` as the schema has it (account-lock.schema.json): counts the page
	 * shows as "37 of 100", so negative ones or a limit of 0 are refused with the types.
	 *
	 * @param mixed $checks
	 * @return bool
	 */
	private static function isCeiling( $checks ): bool {
		return is_array( $checks )
			&& is_int( $checks['lastHour'] ?? null ) && $checks['lastHour'] >= 0
			&& is_int( $checks['limit'] ?? null ) && $checks['limit'] >= 1
			&& is_int( $checks['retryAfterSeconds'] ?? null ) && $checks['retryAfterSeconds'] >= 0;
	}

	/**
	 * DELETE /v1/users/{username}/lock (scope users:write): clears the name's failures and locks
	 * from every address.
	 *
	 * @param string $username
	 * @throws UnexpectedResponseException
	 */
	public function clearLock( string $username ): void {
		[ $status, $body ] = $this->request( 'DELETE', '/v1/users/' . rawurlencode( $username ) . '/lock', null );
		if ( $status !== 204 ) {
			throw self::refusal( 'DELETE /v1/users/{username}/lock', $status, $body );
		}
	}

	/**
	 * GET /v1/audit?username= (scope audit:read): a name's latest events, newest first.
	 *
	 * @param string $username
	 * @param int $limit
	 * @return array[] the contract's audit events (at, event, outcome, address, detail, ...)
	 * @throws UnexpectedResponseException
	 */
	public function auditEvents( string $username, int $limit ): array {
		$query = http_build_query( [ 'username' => $username, 'limit' => $limit ] );
		[ $status, $body ] = $this->request( 'GET', '/v1/audit?' . $query, null );
		if ( $status !== 200 ) {
			throw self::refusal( 'GET /v1/audit', $status, $body );
		}
		$data = self::decodeObject( $status, $body );
		if ( !is_array( $data['items'] ?? null ) || !array_is_list( $data['items'] ) ) {
			throw new UnexpectedResponseException( 'audit page does not match the contract', $status );
		}
		foreach ( $data['items'] as $item ) {
			if ( !is_array( $item ) || !is_string( $item['at'] ?? null ) || !is_string( $item['event'] ?? null )
				|| !is_string( $item['outcome'] ?? null )
				|| !( ( $item['address'] ?? null ) === null || is_string( $item['address'] ) )
			) {
				throw new UnexpectedResponseException( 'audit event does not match the contract', $status );
			}
		}
		return $data['items'];
	}

	/**
	 * POST /v1/sso/tickets/redeem: uses the ticket up (once, ever, across API instances) and
	 * answers the website's user as it is now.
	 *
	 * @param string $ticket already verified locally (Sso\TicketVerifier)
	 * @return Sso\RedeemedTicket
	 * @throws Sso\TicketException when the API refuses the ticket (replayed, expired, disabled, ...)
	 * @throws UnexpectedResponseException
	 */
	public function redeemTicket( string $ticket ): Sso\RedeemedTicket {
		[ $status, $body ] = $this->request( 'POST', ContractConstants::API_REDEEM_PATH, [ 'ticket' => $ticket ] );
		if ( $status !== 200 ) {
			$code = self::problemCode( $body );
			if ( in_array( $code, Sso\TicketException::REDEEM_CODES, true ) ) {
				throw new Sso\TicketException( $code, "the identity API refused the ticket (HTTP $status)" );
			}
			throw self::refusal( 'POST /v1/sso/tickets/redeem', $status, $body );
		}
		$data = self::decodeObject( $status, $body );
		if ( !is_array( $data['user'] ?? null ) || !is_bool( $data['remember'] ?? null )
			|| !( ( $data['returnTo'] ?? null ) === null || is_string( $data['returnTo'] ) )
			|| !is_string( $data['audience'] ?? null )
		) {
			throw new UnexpectedResponseException( 'redeem answer does not match the contract', $status );
		}
		$user = self::parseUser( $data['user'], $status );
		if ( $user->disabled ) {
			throw new UnexpectedResponseException( 'redeem answered a disabled user', $status );
		}
		return new Sso\RedeemedTicket( $user, $data['remember'], $data['returnTo'] ?? null, $data['audience'] );
	}

	/**
	 * GET /.well-known/jwks.json
	 *
	 * @return array the JWK Set
	 * @throws UnexpectedResponseException
	 */
	public function fetchJwks(): array {
		[ $status, $body ] = $this->request( 'GET', ContractConstants::API_JWKS_PATH, null );
		if ( $status !== 200 ) {
			throw new UnexpectedResponseException( "GET /.well-known/jwks.json answered HTTP $status", $status );
		}
		$data = self::decodeObject( $status, $body );
		if ( !is_array( $data['keys'] ?? null ) ) {
			throw new UnexpectedResponseException( 'JWKS without keys', $status );
		}
		return $data;
	}

	/**
	 * Map an HTTP answer of POST /v1/auth/verify to a VerifyResult.
	 *
	 * @param int $status
	 * @param string $body
	 * @return VerifyResult
	 * @throws UnexpectedResponseException
	 */
	public static function parseVerifyResponse( int $status, string $body ): VerifyResult {
		if ( $status !== 200 ) {
			throw self::refusal( 'POST /v1/auth/verify', $status, $body );
		}
		$data = self::decodeObject( $status, $body );
		$result = $data['result'] ?? null;
		if ( $result === 'PASS' ) {
			if ( !is_array( $data['user'] ?? null ) ) {
				throw new UnexpectedResponseException( 'PASS without a user object', $status );
			}
			$user = self::parseUser( $data['user'], $status );
			if ( $user->disabled ) {
				throw new UnexpectedResponseException( 'PASS for a disabled user', $status );
			}
			return VerifyResult::newPass( $user );
		}
		if ( $result === 'FAIL' ) {
			$code = $data['code'] ?? null;
			if ( !is_string( $code ) || !in_array( $code, VerifyResult::FAIL_CODES, true ) ) {
				throw new UnexpectedResponseException(
					'FAIL with an unknown code ' . self::describe( $code ), $status );
			}
			$retryAfter = null;
			if ( $code === VerifyResult::THROTTLED && array_key_exists( 'retryAfterSeconds', $data ) ) {
				$retryAfter = $data['retryAfterSeconds'];
				if ( !is_int( $retryAfter ) || $retryAfter < 0 ) {
					throw new UnexpectedResponseException(
						'THROTTLED with an invalid retryAfterSeconds ' . self::describe( $retryAfter ), $status );
				}
			}
			return VerifyResult::newFail( $code, $retryAfter );
		}
		throw new UnexpectedResponseException( 'unknown result ' . self::describe( $result ), $status );
	}

	/**
	 * What a non-2xx answer means for the wiki: its credential lacks a scope (403 FORBIDDEN,
	 * with the scopes the contract's `missingScopes` names), or anything else unexpected.
	 *
	 * @param string $route for the log, e.g. "POST /v1/auth/verify"
	 * @param int $status
	 * @param string $body problem+json, or whatever came
	 * @return UnexpectedResponseException
	 */
	private static function refusal( string $route, int $status, string $body ): UnexpectedResponseException {
		$code = self::problemCode( $body );
		if ( $status === 403 && $code === 'FORBIDDEN' ) {
			$problem = json_decode( $body, true );
			$scopes = array_values( array_filter(
				(array)( $problem['missingScopes'] ?? [] ),
				static function ( $scope ) {
					return is_string( $scope ) && preg_match( '/^[a-z]+:[a-z]+$/', $scope );
				}
			) );
			return new MissingScopeException( $route, $scopes );
		}
		return new UnexpectedResponseException( "$route answered HTTP $status (problem code $code)", $status );
	}

	/** @return string the problem's `code`, or "none" */
	private static function problemCode( string $body ): string {
		$problem = json_decode( $body, true );
		return is_array( $problem ) && is_string( $problem['code'] ?? null )
			? mb_substr( $problem['code'], 0, 40 )
			: 'none';
	}

	/**
	 * @param int $status
	 * @param string $body
	 * @return array
	 * @throws UnexpectedResponseException
	 */
	private static function decodeObject( int $status, string $body ): array {
		$data = json_decode( $body, true );
		if ( !is_array( $data ) || ( $data !== [] && array_is_list( $data ) ) ) {
			throw new UnexpectedResponseException(
				'body is not a JSON object (' . strlen( $body ) . ' bytes)', $status );
		}
		return $data;
	}

	/**
	 * Validate the contract's user object; unknown fields are ignored (minor versions add them).
	 *
	 * @param array $u
	 * @param int $status
	 * @return RemoteUser
	 * @throws UnexpectedResponseException
	 */
	private static function parseUser( array $u, int $status ): RemoteUser {
		$types = [
			'id' => 'string', 'username' => 'string', 'realName' => 'string',
			'emailVerified' => 'boolean', 'groups' => 'array', 'disabled' => 'boolean',
		];
		foreach ( $types as $field => $type ) {
			if ( gettype( $u[$field] ?? null ) !== $type ) {
				throw new UnexpectedResponseException( "user.$field is not a $type", $status );
			}
		}
		if ( $u['id'] === '' || $u['username'] === '' ) {
			throw new UnexpectedResponseException( 'user.id or user.username is empty', $status );
		}
		if ( !array_key_exists( 'email', $u ) || !( $u['email'] === null || is_string( $u['email'] ) ) ) {
			throw new UnexpectedResponseException( 'user.email is not a string or null', $status );
		}
		if ( !array_is_list( $u['groups'] ) ) {
			throw new UnexpectedResponseException( 'user.groups is not a list', $status );
		}
		foreach ( $u['groups'] as $group ) {
			if ( !is_string( $group ) ) {
				throw new UnexpectedResponseException( 'user.groups holds a non-string', $status );
			}
		}
		return new RemoteUser(
			$u['id'], $u['username'], $u['realName'], $u['email'],
			$u['emailVerified'], $u['groups'], $u['disabled']
		);
	}

	/**
	 * @param mixed $value
	 * @return string short, log-safe description
	 */
	private static function describe( $value ): string {
		return is_string( $value ) ? '"' . mb_substr( $value, 0, 40 ) . '"' : gettype( $value );
	}

	/**
	 * @param string $method
	 * @param string $path
	 * @param array|null $payload JSON body
	 * @return array [ int status, string body ]
	 * @throws UnexpectedResponseException when there is no HTTP answer at all
	 */
	private function request( string $method, string $path, ?array $payload ): array {
		$options = [
			'method' => $method,
			'timeout' => $this->timeout,
			'connectTimeout' => $this->timeout,
			'followRedirects' => false,
		];
		if ( $payload !== null ) {
			$options['postData'] = json_encode( $payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
		}
		$request = $this->httpRequestFactory->create( $this->baseUrl . $path, $options, __METHOD__ );
		$request->setHeader( 'Authorization', 'Bearer ' . $this->secret );
		$request->setHeader( 'Accept', 'application/json' );
		$requestId = self::requestId();
		$request->setHeader( 'X-Request-Id', $requestId );
		if ( $payload !== null ) {
			$request->setHeader( 'Content-Type', 'application/json' );
		}
		$start = microtime( true );
		$result = $request->execute();
		$status = (int)$request->getStatus();
		$ms = (int)round( ( microtime( true ) - $start ) * 1000 );
		if ( $status === 0 ) {
			$errors = [];
			foreach ( $result->getErrors() as $error ) {
				$errors[] = $error['message'];
			}
			throw new UnexpectedResponseException(
				"$method $path got no answer after {$ms} ms ("
					. implode( ', ', $errors ) . ", request id $requestId)"
			);
		}
		$this->logger->debug( '{method} {path} answered HTTP {status} in {ms} ms (request id {requestId})', [
			'method' => $method, 'path' => $path, 'status' => $status, 'ms' => $ms, 'requestId' => $requestId,
		] );
		return [ $status, (string)$request->getContent() ];
	}
}
