<?php
/**
 * Writes vectors/usernames.json: what a real MediaWiki makes of each input in
 * vectors/usernames.inputs.json. Regenerate from the repository root with
 *
 *   php mediawiki-extension-contract/scripts/generate-username-vectors.php
 *
 * No npm needed: only PHP and a MediaWiki 1.39 install (Debian's mediawiki package at
 * /usr/share/mediawiki; set MW_INSTALL_PATH for another one). Run like this, the script
 * installs a throwaway SQLite wiki with default settings into a temporary directory, runs
 * itself there as a maintenance script and removes the directory again. It never reads
 * the machine's own LocalSettings.php. With MW_CONFIG_FILE set it skips the install and
 * uses that wiki instead, whose settings then shape the result.
 *
 * Each input goes through what the wiki does with a name typed into a form:
 * WebRequest normalises every submitted value (Language::normalize: UtfNormal cleanUp and
 * NFC), then UserNameUtils::getCanonical( $name, RIGOR_CREATABLE ). Where creation refuses
 * a name that RIGOR_USABLE accepts (an existing account could still log in with it), the
 * vector also records that name as "usable". Output order is input order, so reruns are
 * byte-identical.
 *
 * @file
 */

use MediaWiki\MediaWikiServices;
use MediaWiki\User\UserNameUtils;

const INPUTS_FILE = __DIR__ . '/../vectors/usernames.inputs.json';
const OUTPUT_FILE = __DIR__ . '/../vectors/usernames.json';

require_once __DIR__ . '/throwaway-wiki.php';

$installPath = getenv( 'MW_INSTALL_PATH' ) ?: '/usr/share/mediawiki';
if ( getenv( 'MW_CONFIG_FILE' ) === false ) {
	exit( runInThrowawayWiki( $installPath, __FILE__ ) );
}

require_once "$installPath/maintenance/Maintenance.php";

class GenerateUsernameVectors extends Maintenance {
	public function __construct() {
		parent::__construct();
		$this->addDescription( 'Write the user-name test vectors of the AuthBridge contract' );
	}

	public function execute() {
		$services = MediaWikiServices::getInstance();
		$userNameUtils = $services->getUserNameUtils();
		$contentLanguage = $services->getContentLanguage();

		$inputs = json_decode( file_get_contents( INPUTS_FILE ), true, 512, JSON_THROW_ON_ERROR );
		$vectors = [];
		foreach ( $inputs['inputs'] as $case ) {
			// What WebRequest does to every submitted value before the wiki sees it.
			$submitted = $contentLanguage->normalize( $case['input'] );
			$vectors[] = $this->makeVector( $userNameUtils, $case['name'], $case['input'], $submitted );
		}

		file_put_contents( OUTPUT_FILE, $this->formatFile( $vectors ) );
		$this->output( count( $vectors ) . ' vectors written to ' . realpath( OUTPUT_FILE ) . "\n" );
	}

	private function makeVector(
		UserNameUtils $userNameUtils, string $name, string $input, string $submitted
	): array {
		$creatable = $userNameUtils->getCanonical( $submitted, UserNameUtils::RIGOR_CREATABLE );
		$usable = $userNameUtils->getCanonical( $submitted, UserNameUtils::RIGOR_USABLE );
		if ( $creatable !== false ) {
			if ( $usable !== $creatable ) {
				$this->fatalError( "$name: creatable as '$creatable' but usable as '$usable'" );
			}
			return [ 'name' => $name, 'input' => $input, 'canonical' => $creatable ];
		}
		$vector = [ 'name' => $name, 'input' => $input, 'expect-fail' => true, 'code' => 'INVALID_USERNAME' ];
		if ( $usable !== false ) {
			$vector['usable'] = $usable;
		}
		return $vector;
	}

	/**
	 * One vector per line, so that a change in MediaWiki shows up as a one-line diff.
	 *
	 * @param array[] $vectors
	 * @return string
	 */
	private function formatFile( array $vectors ): string {
		$description = 'User-name canonicalisation shared by the identity API and the wiki. ' .
			'Generated from usernames.inputs.json; do not edit by hand.';
		$source = 'MediaWiki ' . MW_VERSION . ' (fresh install, default settings, content ' .
			'language en): UserNameUtils::getCanonical( $contentLanguage->normalize( $input ), ' .
			'UserNameUtils::RIGOR_CREATABLE ), i.e. after the NFC normalisation WebRequest ' .
			'applies to submitted values. "usable": getCanonical( ..., RIGOR_USABLE ) where ' .
			'that accepts a name creation refuses. ' .
			'Command: php mediawiki-extension-contract/scripts/generate-username-vectors.php';
		$lines = array_map( fn ( $vector ) => '    ' . $this->encode( $vector ), $vectors );
		return "{\n" .
			'  "description": ' . $this->encode( $description ) . ",\n" .
			'  "source": ' . $this->encode( $source ) . ",\n" .
			"  \"vectors\": [\n" . implode( ",\n", $lines ) . "\n  ]\n}\n";
	}

	/**
	 * JSON with readable letters, but with invisible, combining and control characters
	 * escaped: editors silently normalise or strip those, and reviewers cannot see them.
	 *
	 * @param mixed $value
	 * @return string
	 */
	private function encode( $value ): string {
		$json = json_encode( $value, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR );
		return preg_replace_callback( '/(?! )[\p{M}\p{C}\p{Z}\x{FFFD}]/u', static function ( $m ) {
			$units = str_split( bin2hex( mb_convert_encoding( $m[0], 'UTF-16BE', 'UTF-8' ) ), 4 );
			return implode( '', array_map( static fn ( $unit ) => "\\u$unit", $units ) );
		}, $json );
	}
}

$maintClass = GenerateUsernameVectors::class;
require_once RUN_MAINTENANCE_IF_MAIN;
