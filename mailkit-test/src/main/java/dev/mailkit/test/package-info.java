/**
 * For the tests of applications that use mailkit: {@link dev.mailkit.test.RecordingSmtpSender}, an
 * {@code SmtpSender} that records instead of sending and fails on request, and
 * {@link dev.mailkit.test.GreenMailExtension}, an embedded GreenMail with senders and synchronizers
 * configured for it.
 */
package dev.mailkit.test;
