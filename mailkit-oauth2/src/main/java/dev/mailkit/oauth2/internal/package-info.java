/**
 * Implementation of the OAuth 2.0 flows on the Nimbus OAuth 2.0 SDK; not part of the public API.
 */
package dev.mailkit.oauth2.internal;
