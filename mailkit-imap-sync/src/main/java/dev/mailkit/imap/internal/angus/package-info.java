/**
 * Every place where mailkit IMAP sync leans on how Angus Mail works inside, rather than on its API.
 * Whoever raises {@code angus-mail.version} checks this list; each entry names the test that fails when an
 * upgrade breaks it. Not API.
 *
 * <table>
 *   <caption>Angus Mail workarounds in mailkit IMAP sync</caption>
 *   <tr><th>workaround</th><th>why</th><th>guarded by</th></tr>
 *   <tr><td>{@link dev.mailkit.imap.internal.angus.RawFlags}: a subclass of Angus's {@code Response} that
 *       reads the protected {@code buffer} and {@code size} of a FETCH response to parse its FLAGS
 *       itself</td>
 *       <td>Angus's {@code FLAGS} parser takes any {@code \F...} for {@code \Flagged} (and {@code \S...} for
 *       {@code \Seen}, ...) and hands keywords over byte by byte as characters, so UTF-8 keywords came out
 *       garbled</td>
 *       <td>{@code AngusResponsesTest.rawFlags_*}; the parsing: {@code RawFlagsTest}; end to end:
 *       {@code HostileSyncTest.keywords_areReadByTheirWholeName_inUtf8_andGoBackUnchanged}</td></tr>
 *   <tr><td>{@code Response.toString()} read as the response's raw line (in the engine's
 *       {@code ImapCommands}: SEARCH and VANISHED; in its {@code Pusher}: COPYUID and MODIFIED)</td>
 *       <td>Angus parses none of these responses into a type</td>
 *       <td>{@code AngusResponsesTest.aResponsesToString_isItsRawLine}</td></tr>
 * </table>
 *
 * <p>Not workarounds, and so elsewhere: commands sent through {@code IMAPFolder.doCommand} and
 * {@code IMAPProtocol}'s public methods, {@code FetchResponse} items, {@code BASE64MailboxEncoder} and
 * {@code BASE64MailboxDecoder} for modified UTF-7 names.
 */
package dev.mailkit.imap.internal.angus;
