package org.newsletter.feed;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to a size limit, cancelling the download the moment it goes
 * past it (not after), so a huge or endless response costs at most the limit.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

	/** The body went past the limit. */
	static final class TooLarge extends RuntimeException {

		TooLarge(long limit) {
			super("larger than the limit of " + limit + " bytes");
		}
	}

	private final long limit;

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final CompletableFuture<byte[]> result = new CompletableFuture<>();

	private Flow.Subscription subscription;

	BoundedBody(long limit) {
		this.limit = limit;
	}

	@Override
	public CompletionStage<byte[]> getBody() {
		return result;
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		this.subscription = subscription;
		subscription.request(1);
	}

	@Override
	public void onNext(List<ByteBuffer> buffers) {
		for (ByteBuffer buffer : buffers) {
			if (bytes.size() + (long) buffer.remaining() > limit) {
				subscription.cancel();
				result.completeExceptionally(new TooLarge(limit));
				return;
			}
			byte[] chunk = new byte[buffer.remaining()];
			buffer.get(chunk);
			bytes.write(chunk, 0, chunk.length);
		}
		subscription.request(1);
	}

	@Override
	public void onError(Throwable failure) {
		result.completeExceptionally(failure);
	}

	@Override
	public void onComplete() {
		result.complete(bytes.toByteArray());
	}
}
