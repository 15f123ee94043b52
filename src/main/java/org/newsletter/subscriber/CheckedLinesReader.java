package org.newsletter.subscriber;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * The import step's reader: reads the CSV file ({@link CsvRowReader}) and checks each line
 * ({@link ImportLineProcessor}) on a thread of its own, at most {@code ahead} lines ahead of the
 * step, and hands the checked lines out in file order. Parsing the file and checking the
 * addresses then runs on the second core while the step's thread merges the chunk before into
 * the database (issue 16: that Java work was 16 % of an import's time on the one thread).
 * <p>
 * Restartable as {@link CsvRowReader} is: the position saved with each chunk is the number of
 * lines handed to the step, not the number read ahead, so a restarted import goes on after the
 * last committed line. A failure of reading (the file vanished, a bug) is thrown by the
 * {@link #read()} that reaches it, in order.
 */
class CheckedLinesReader implements ItemStreamReader<ImportLine> {

	/** Lines handed from the reading thread to the step at a time: one hand-over per batch, not per line. */
	private static final int BATCH = 500;

	/** {@link CsvRowReader}'s own key for its position ({@code AbstractItemCountingItemStreamItemReader}). */
	private static final String POSITION = "csv.read.count";

	private final CsvRowReader rows;

	private final ImportLineProcessor processor;

	private final int ahead;

	private BlockingQueue<Batch> queue;

	private Thread thread;

	private Iterator<ImportLine> current = List.<ImportLine>of().iterator();

	private boolean done;

	private int handedOut;

	/** Lines read and checked, or the end of the file ({@code lines} empty), or why reading stopped. */
	private record Batch(List<ImportLine> lines, Throwable failure) {
	}

	/** @param ahead how many lines may be read and checked ahead of the step */
	CheckedLinesReader(CsvRowReader rows, ImportLineProcessor processor, int ahead) {
		this.rows = rows;
		this.processor = processor;
		this.ahead = ahead;
	}

	@Override
	public void open(ExecutionContext context) {
		rows.open(context); // on the step's thread: a file that cannot be opened fails the step here
		handedOut = context.getInt(POSITION, 0);
		done = false;
		current = List.<ImportLine>of().iterator();
		queue = new ArrayBlockingQueue<>(Math.max(1, ahead / BATCH));
		thread = new Thread(this::readAhead, "import-reader");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public ImportLine read() throws Exception {
		while (!current.hasNext()) {
			if (done) {
				return null;
			}
			Batch batch = queue.take();
			if (batch.failure() instanceof Exception ex) {
				done = true;
				throw ex;
			}
			if (batch.failure() instanceof Error error) {
				done = true;
				throw error;
			}
			if (batch.lines().isEmpty()) {
				done = true;
				return null;
			}
			current = batch.lines().iterator();
		}
		handedOut++;
		return current.next();
	}

	/** Called before each chunk commits: the lines handed out so far are the ones it holds. */
	@Override
	public void update(ExecutionContext context) {
		context.putInt(POSITION, handedOut);
	}

	@Override
	public void close() {
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new ItemStreamException("interrupted while the import's reader stopped", ex);
			}
			thread = null;
		}
		rows.close();
	}

	private void readAhead() {
		try {
			List<ImportLine> lines = new ArrayList<>(BATCH);
			CsvRow row;
			while ((row = rows.read()) != null) {
				lines.add(processor.process(row));
				if (lines.size() == BATCH) {
					queue.put(new Batch(lines, null));
					lines = new ArrayList<>(BATCH);
				}
			}
			if (!lines.isEmpty()) {
				queue.put(new Batch(lines, null));
			}
			queue.put(new Batch(List.of(), null));
		}
		catch (InterruptedException ex) {
			// closed by the step: nothing more is read
		}
		catch (Exception | Error ex) { // handed to the step, which would otherwise wait for ever
			try {
				queue.put(new Batch(List.of(), ex));
			}
			catch (InterruptedException stopped) {
				// closed by the step meanwhile
			}
		}
	}
}
