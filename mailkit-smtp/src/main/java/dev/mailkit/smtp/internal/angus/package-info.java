/**
 * Every place where mailkit SMTP leans on how Angus Mail and Jakarta Mail work inside, rather than on their
 * API. Whoever raises {@code angus-mail.version} or {@code jakarta.mail-api.version} checks this list; each
 * entry names the test that fails when an upgrade breaks it. Not API.
 *
 * <table>
 *   <caption>Angus and Jakarta Mail workarounds in mailkit SMTP</caption>
 *   <tr><th>workaround</th><th>why</th><th>guarded by</th></tr>
 *   <tr><td>{@link dev.mailkit.smtp.internal.angus.PipeliningTransport}: a subclass of Angus's
 *       {@code SMTPTransport} overriding {@code sendMessage}, {@code data}, {@code finishData},
 *       {@code sendCommand}, {@code readServerResponse}, {@code protocolConnect}, {@code close} and
 *       {@code isConnected}</td>
 *       <td>Angus has no RFC 2920 pipelining; the overrides rely on the order in which Angus calls them and
 *       on its reply code -1 and its wording "No authentication mechanisms supported" for a lost connection</td>
 *       <td>{@code PipeliningTest}, {@code SmtpSenderBehaviourTest}, {@code SmtpFaultSoakTest},
 *       {@code HostileSmtpBoundedHeapTest}</td></tr>
 *   <tr><td>a {@code VarHandle} on {@code SMTPTransport.serverOutput} (in {@code PipeliningTransport})</td>
 *       <td>message content goes through mailkit's {@link dev.mailkit.smtp.internal.angus.DataContentStream}
 *       (the bytes of Angus's {@code SMTPOutputStream} at a third of the CPU), which must write to Angus's
 *       buffered output; without the handle (module path without {@code --add-opens}) Angus's stream is
 *       used</td>
 *       <td>{@code DataContentStreamTest.angusBufferedOutput_isReachable_soContentTakesThisStream}; the bytes:
 *       {@code DataContentStreamTest}, {@code WireBytesTest}; without the handle: {@code ModulePathIT}
 *       (module-path-test)</td></tr>
 *   <tr><td>Jakarta Mail's {@code Session} creating {@code PipeliningTransport} by class name, through its
 *       public constructor</td>
 *       <td>{@code Session.setProvider} takes a class name; on the module path this package is exported to
 *       {@code jakarta.mail} for it (see {@code module-info.java})</td>
 *       <td>{@code ModulePathIT} (module-path-test)</td></tr>
 *   <tr><td>{@code Object.clone} of MIME parts: {@link dev.mailkit.smtp.internal.angus.AssembledPart},
 *       {@link dev.mailkit.smtp.internal.angus.AssembledMultipart}</td>
 *       <td>Jakarta Mail's part constructors look their stream provider up through {@code ServiceLoader}
 *       every time; copies of a prototype skip that, and must reset every field a constructor sets</td>
 *       <td>{@code AssembledPartsTest.theCopiedClasses_haveTheFieldsTheCopyHandles}</td></tr>
 *   <tr><td>the {@code Cork} signal (in core's {@code dev.mailkit.core.internal.angus}), begun and ended
 *       around each pipelined flight</td>
 *       <td>{@code SMTPTransport} gives no handle on its socket, so the commands of a flight are held back on
 *       the socket through a thread-local</td>
 *       <td>{@code PipeliningTest}; in core, {@code CorkTest}</td></tr>
 * </table>
 *
 * <p>Related, but reimplementing behaviour rather than reaching inside: {@code internal.mime.MimeAssembler}
 * writes messages as Jakarta Mail's {@code MimeMessage.writeTo} does, held byte-equal by
 * {@code MimeWriterPropertiesTest}, {@code Base64LineStreamTest} and {@code EncodingPropertiesTest}.
 */
package dev.mailkit.smtp.internal.angus;
