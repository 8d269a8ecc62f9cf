/**
 * Every place where mailkit core leans on how Angus Mail works inside, rather than on the Jakarta Mail API.
 * Whoever raises {@code angus-mail.version} checks this list; each entry names the test that fails when an
 * upgrade breaks it. Not API.
 *
 * <table>
 *   <caption>Angus Mail workarounds in mailkit core</caption>
 *   <tr><th>workaround</th><th>why</th><th>guarded by</th></tr>
 *   <tr><td>{@link dev.mailkit.core.internal.angus.UnderlyingSocket}: a thread-local of the socket last made
 *       and a match of its ports, used by {@code PlainSocketFactory.layered}</td>
 *       <td>Angus wraps the plain socket in its {@code WriteTimeoutSocket} and hands the wrapper to STARTTLS;
 *       mailkit must find its guarded socket under it to stop reading TLS records as responses and keep the
 *       deadlines</td>
 *       <td>{@code StartTlsUnderAngusTest}</td></tr>
 *   <tr><td>{@link dev.mailkit.core.internal.angus.Cork}: a thread-local signal from the SMTP module's
 *       transport to core's socket</td>
 *       <td>{@code SMTPTransport} exposes neither its socket nor its output stream to subclasses, and the
 *       write-timeout wrapper swallows flushes, so pipelined commands cannot be sent as one segment otherwise</td>
 *       <td>{@code CorkTest}; in smtp, {@code PipeliningTest}</td></tr>
 *   <tr><td>{@link dev.mailkit.core.internal.angus.AngusFailures}: failures read from Angus's text ({@code [EOF]},
 *       the STARTTLS-required wording, the server-identity refusal, the synthetic {@code * BYE Jakarta Mail
 *       Exception:} response, SMTP's "Got bad greeting ... response:")</td>
 *       <td>Angus has no exception type for them; everything else is classified by type in
 *       {@code ExceptionTranslator}</td>
 *       <td>{@code AngusWordingTest}, {@code TlsRefusalTest}, {@code ExceptionTranslatorTest},
 *       {@code ResponseBoundsTest}, {@code ProtocolMixUpTest} (smtp)</td></tr>
 * </table>
 *
 * <p>The SMTP module keeps its own list in {@code dev.mailkit.smtp.internal.angus}; CONTRIBUTING.md has both.
 */
package dev.mailkit.core.internal.angus;
