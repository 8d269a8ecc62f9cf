/** Connections through SOCKS5 and HTTP CONNECT proxies; not API, may change in any release. */
package dev.mailkit.core.internal.proxy;
