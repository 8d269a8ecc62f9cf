/** Runnable examples of the mailkit API, and the demo on an embedded mail server. */
package dev.mailkit.examples;
