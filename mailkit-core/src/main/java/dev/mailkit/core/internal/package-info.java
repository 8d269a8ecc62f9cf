/** Implementation of mailkit core; not API, may change in any release. */
package dev.mailkit.core.internal;
