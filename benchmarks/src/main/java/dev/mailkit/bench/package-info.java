/** Benchmarks of mailkit against mbsync and hand-written Jakarta Mail, on servers started on loopback. */
package dev.mailkit.bench;
