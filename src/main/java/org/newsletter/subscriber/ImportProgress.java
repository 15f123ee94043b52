package org.newsletter.subscriber;

import java.io.PrintWriter;
import java.io.Writer;

import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.stereotype.Component;

/** A progress line for a long import: after the first chunk, then at most every five seconds. */
@Component
class ImportProgress implements ItemWriteListener<ImportLine> {

	private static final long INTERVAL_NANOS = 5_000_000_000L;

	private volatile PrintWriter out = new PrintWriter(Writer.nullWriter());

	private long lastPrinted;

	private boolean printed;

	/** Sends progress to {@code writer} for the import about to start. */
	void printTo(PrintWriter writer) {
		this.out = writer;
		this.printed = false;
	}

	@Override
	public void afterWrite(Chunk<? extends ImportLine> items) {
		if (items.isEmpty()) {
			return;
		}
		long lastLine = items.getItems().get(items.size() - 1).line();
		long now = System.nanoTime();
		if (!printed || now - lastPrinted >= INTERVAL_NANOS) {
			printed = true;
			lastPrinted = now;
			out.println("import: up to line " + lastLine);
			out.flush();
		}
	}
}
