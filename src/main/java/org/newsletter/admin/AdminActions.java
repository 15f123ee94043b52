package org.newsletter.admin;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.newsletter.config.BadInputException;
import org.newsletter.config.Failures;
import org.newsletter.delivery.DeliveryRepository;
import org.newsletter.issue.IssueRepository;
import org.newsletter.job.RunRestart;
import org.newsletter.service.DigestSchedule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.view.RedirectView;

/**
 * The operator page's buttons, each a POST (with the form's CSRF token) answered by a redirect
 * to the page, which then shows the outcome in one line: Restart, which finishes a failed run
 * as {@code restart} does, on the service's run thread; and send a preview to one address.
 */
@Controller
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Conditional(AdminEnabled.class)
class AdminActions {

	private static final Logger log = LoggerFactory.getLogger(AdminActions.class);

	/** How long the Restart button waits for the run to end before it answers that it goes on. */
	static final Duration RESTART_WAIT = Duration.ofSeconds(5);

	private final RunRestart restarts;

	private final DigestSchedule schedule;

	private final PreviewMail previews;

	private final IssueRepository issues;

	private final DeliveryRepository deliveries;

	AdminActions(RunRestart restarts, DigestSchedule schedule, PreviewMail previews, IssueRepository issues,
			DeliveryRepository deliveries) {
		this.restarts = restarts;
		this.schedule = schedule;
		this.previews = previews;
		this.issues = issues;
		this.deliveries = deliveries;
	}

	/** Restarts execution {@code execution} (the latest of its run), refusing while a run is going on. */
	@PostMapping(AdminSecurity.PAGE + "/restart")
	RedirectView restart(@RequestParam long execution, RedirectAttributes page) {
		RunRestart.Plan plan;
		try {
			plan = restarts.plan(execution);
		}
		catch (BadInputException ex) {
			return notice(page, false, "Not restarted: " + ex.getMessage() + ".");
		}
		if (plan instanceof RunRestart.Refused refused) {
			return notice(page, false, "Not restarted: " + refused.reason() + ".");
		}
		RunRestart.Ready ready = (RunRestart.Ready) plan;
		String run = "execution " + ready.execution().getId() + " (cutoff " + ready.cutoff() + ")";
		Optional<CompletableFuture<JobExecution>> started = schedule.runNow(() -> restarts.restart(ready));
		if (started.isEmpty()) {
			return notice(page, false, "Not restarted: a run is going on; restart " + run + " once it has finished.");
		}
		log.info("the operator page restarts {}", run);
		try {
			JobExecution ended = started.get().get(RESTART_WAIT.toMillis(), TimeUnit.MILLISECONDS);
			boolean completed = ended.getStatus() == BatchStatus.COMPLETED;
			return notice(page, completed, "Restarted " + run + " as execution " + ended.getId() + ": " + ended.getStatus()
					+ sent(ended) + (completed ? "." : "; see below why."));
		}
		catch (TimeoutException ex) {
			return notice(page, true, "Restarting " + run + ": it goes on; reload this page to follow it.");
		}
		catch (ExecutionException ex) {
			log.error("the operator page could not restart {}", run, ex.getCause());
			return notice(page, false, "Not restarted: " + Failures.oneLine(ex.getCause()));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return notice(page, true, "Restarting " + run + ": reload this page to follow it.");
		}
	}

	/** Sends the next issue to {@code address}, marked as a preview; records nothing. */
	@PostMapping(AdminSecurity.PAGE + "/preview")
	RedirectView preview(@RequestParam(defaultValue = "") String address,
			@RequestParam(defaultValue = "false") boolean sendEmpty, RedirectAttributes page) {
		PreviewMail.Outcome outcome = previews.send(address, sendEmpty);
		return notice(page, outcome.sent(), outcome.line());
	}

	/** ", 120 sent, 2 failed" for the issue of {@code execution}. */
	private String sent(JobExecution execution) {
		return issues.findOutlineByJobInstance(execution.getJobInstance().getInstanceId())
			.map(issue -> deliveries.counts(issue.id()))
			.map(counts -> ", " + counts.sent() + " sent, " + counts.failed() + " failed"
					+ (counts.deferred() > 0 ? ", " + counts.deferred() + " deferred" : ""))
			.orElse("");
	}

	/**
	 * Back to the page (303 See Other, a relative address: see {@link AdminSecurity#seeOther}),
	 * which shows {@code line} once.
	 */
	private static RedirectView notice(RedirectAttributes page, boolean ok, String line) {
		page.addFlashAttribute(AdminPage.NOTICE, line);
		page.addFlashAttribute(AdminPage.NOTICE_TONE, ok ? "ok" : "bad");
		return new RedirectView(AdminSecurity.PAGE, true, false);
	}
}
