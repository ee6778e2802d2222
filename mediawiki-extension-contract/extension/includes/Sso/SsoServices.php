<?php

namespace MediaWiki\Extension\AuthBridge\Sso;

use BagOStuff;
use Config;
use MediaWiki\Config\ServiceOptions;
use MediaWiki\Extension\AuthBridge\ApiClient;
use MediaWiki\Http\HttpRequestFactory;
use MediaWiki\Logger\LoggerFactory;
use WANObjectCache;

/** Builds the single-sign-on objects from the wiki's settings, for the special page and the REST route. */
class SsoServices {
	public const CONSTRUCTOR_OPTIONS = [
		'AuthBridgeApiUrl',
		'AuthBridgeApiSecret',
		'AuthBridgeTimeout',
		'AuthBridgeWikiId',
		'AuthBridgeSsoIssuer',
		'AuthBridgeAutoLoginUrl',
		'AuthBridgeSsoStartUrl',
		'AuthBridgeSsoRequireNonce',
		'AuthBridgeLogoutUrl',
	];

	/** @var ServiceOptions */
	public $options;
	/** @var HttpRequestFactory */
	private $httpRequestFactory;
	/** @var WANObjectCache */
	private $cache;
	/** @var BagOStuff */
	private $stash;

	public function __construct( Config $mainConfig, HttpRequestFactory $httpRequestFactory, WANObjectCache $cache, BagOStuff $stash ) {
		$this->options = new ServiceOptions( self::CONSTRUCTOR_OPTIONS, $mainConfig );
		$this->httpRequestFactory = $httpRequestFactory;
		$this->cache = $cache;
		$this->stash = $stash;
	}

	/** @return bool false until $wgAuthBridgeWikiId is set */
	public function isEnabled(): bool {
		return (string)$this->options->get( 'AuthBridgeWikiId' ) !== ''
			&& (string)$this->options->get( 'AuthBridgeApiUrl' ) !== '';
	}

	/** @return string where Special:AuthBridgeLogin?start=1 sends the browser for a ticket; '' when nowhere */
	public function startUrl(): string {
		$url = (string)$this->options->get( 'AuthBridgeSsoStartUrl' );
		return $url !== '' ? $url : (string)$this->options->get( 'AuthBridgeAutoLoginUrl' );
	}

	public function requireNonce(): bool {
		return (bool)$this->options->get( 'AuthBridgeSsoRequireNonce' );
	}

	public function ticketLogin(): TicketLogin {
		$apiUrl = (string)$this->options->get( 'AuthBridgeApiUrl' );
		$client = new ApiClient(
			$this->httpRequestFactory,
			$apiUrl,
			(string)$this->options->get( 'AuthBridgeApiSecret' ),
			(float)$this->options->get( 'AuthBridgeTimeout' ),
			LoggerFactory::getInstance( 'AuthBridge' )
		);
		return new TicketLogin(
			$client,
			new JwksStore( $client, $this->cache, $this->stash, $apiUrl ),
			new UsedTickets( $this->stash ),
			(string)$this->options->get( 'AuthBridgeSsoIssuer' ),
			(string)$this->options->get( 'AuthBridgeWikiId' )
		);
	}
}
