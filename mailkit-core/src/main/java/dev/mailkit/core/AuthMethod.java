package dev.mailkit.core;

/** A way a provider lets a client log in. */
public enum AuthMethod {
    /** The account's normal password. */
    PASSWORD,
    /** A separate password generated in the provider's account settings for one application. */
    APP_PASSWORD,
    /** A client authorization code generated in the web settings (QQ Mail, NetEase 163/126, ...). */
    AUTHORIZATION_CODE,
    /** An OAuth 2.0 access token, sent with SASL OAUTHBEARER or XOAUTH2. */
    OAUTH2
}
