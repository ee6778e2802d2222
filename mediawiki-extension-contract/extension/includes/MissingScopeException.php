<?php

namespace MediaWiki\Extension\AuthBridge;

/**
 * The identity API refused the wiki's client credential for a route: 403 FORBIDDEN, the
 * credential lacks a scope (SPEC.md, "Callers and credentials"). The administrator fixes it
 * on the API's host (`clients create … --scopes …`), so the person is told the wiki is set up
 * wrongly rather than that the service is down, and the log names the scopes.
 */
class MissingScopeException extends UnexpectedResponseException {
	/** @var string[] */
	private $scopes;

	/**
	 * @param string $route e.g. "POST /v1/auth/verify"
	 * @param string[] $scopes what the API said is missing (empty when an older API did not say)
	 */
	public function __construct( string $route, array $scopes ) {
		$this->scopes = $scopes;
		parent::__construct(
			"$route answered HTTP 403 FORBIDDEN: the wiki's credential lacks the scope "
				. $this->describeScopes(),
			403
		);
	}

	/** @return string[] */
	public function getScopes(): array {
		return $this->scopes;
	}

	/** @return string the scopes for a log line, e.g. "sso:redeem" */
	public function describeScopes(): string {
		return $this->scopes ? implode( ', ', $this->scopes ) : 'unknown (the identity API did not name it)';
	}
}
