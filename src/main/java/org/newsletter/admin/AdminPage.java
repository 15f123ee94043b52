package org.newsletter.admin;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.newsletter.config.NewsletterProperties;
import org.newsletter.delivery.DeliveryReport;
import org.newsletter.issue.Issue;
import org.newsletter.issue.IssueRepository;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.support.RequestContextUtils;

/**
 * {@code /admin}, the operator page: did the latest issue go out, its deliveries, the recent
 * runs, the list, the feeds and the schedule on one page that reads on a phone; its login form;
 * and {@code /admin/deliveries.csv}, the {@code deliveries} command's report. The page's
 * buttons post to {@link AdminActions}.
 */
@Controller
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Conditional(AdminEnabled.class)
class AdminPage {

	/** Flash attributes of the one-line outcome of a button, shown once after its redirect. */
	static final String NOTICE = "notice";

	static final String NOTICE_TONE = "noticeTone";

	private final OperatorOverview overview;

	private final AdminTemplates templates;

	private final DeliveryReport report;

	private final IssueRepository issues;

	private final String lang;

	private final String title;

	AdminPage(OperatorOverview overview, AdminTemplates templates, DeliveryReport report, IssueRepository issues,
			NewsletterProperties properties) {
		this.overview = overview;
		this.templates = templates;
		this.report = report;
		this.issues = issues;
		this.lang = properties.locale().toLanguageTag();
		this.title = properties.title();
	}

	@GetMapping({ AdminSecurity.PAGE, AdminSecurity.PAGE + "/" })
	ResponseEntity<String> page(HttpServletRequest request, CsrfToken csrf) {
		Map<String, Object> model = model(request, csrf);
		model.put("o", overview.read());
		Map<String, ?> flash = RequestContextUtils.getInputFlashMap(request);
		if (flash != null && flash.get(NOTICE) != null) {
			model.put("notice", flash.get(NOTICE));
			model.put("noticeTone", flash.get(NOTICE_TONE));
		}
		return templates.answer(HttpStatus.OK, "page.ftlh", model);
	}

	@GetMapping(AdminSecurity.LOGIN)
	ResponseEntity<String> login(HttpServletRequest request, CsrfToken csrf) {
		Map<String, Object> model = model(request, csrf);
		model.put("failed", flagged(request, "error"));
		model.put("signedOut", flagged(request, "signed-out"));
		model.put("throttled", flagged(request, "wait"));
		return templates.answer(HttpStatus.OK, "login.ftlh", model);
	}

	/**
	 * The delivery report of issue {@code issue} (default: the one {@code deliveries} reports),
	 * the {@code status} lines only when given: the same CSV as the command's.
	 */
	@GetMapping(AdminSecurity.PAGE + "/deliveries.csv")
	ResponseEntity<String> deliveries(@RequestParam(required = false) Long issue,
			@RequestParam(required = false) String status, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		DeliveryReport.Status only;
		try {
			only = status == null || status.isBlank() ? null : DeliveryReport.Status.valueOf(status.strip().toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			return message(request, HttpStatus.BAD_REQUEST, "No such status", "The status is sent, failed, deferred or pending.");
		}
		Optional<Long> chosen = issue != null ? issues.find(issue).map(Issue::id)
				: report.latestIssue().or(() -> issues.findLatest().map(Issue::id));
		if (chosen.isEmpty()) {
			return message(request, HttpStatus.NOT_FOUND, "No such issue",
					issue == null ? "No issue has been composed yet." : "There is no issue " + issue + ".");
		}
		String name = "deliveries-issue-" + chosen.get() + (only == null ? "" : "-" + only.name().toLowerCase(Locale.ROOT));
		response.setContentType("text/csv;charset=utf-8");
		response.setHeader("Content-Disposition", "attachment; filename=\"" + name + ".csv\"");
		response.setHeader("Cache-Control", "no-store");
		report.write(chosen.get(), only, response.getWriter());
		return null; // answered: the report streams into the response
	}

	private ResponseEntity<String> message(HttpServletRequest request, HttpStatus status, String heading, String text) {
		Map<String, Object> model = model(request, null);
		model.put("heading", heading);
		model.put("text", text);
		return templates.answer(status, "message.ftlh", model);
	}

	/** Whether the query names {@code flag} ({@code ?error}), with or without a value. */
	private static boolean flagged(HttpServletRequest request, String flag) {
		String query = request.getQueryString();
		return query != null && Arrays.stream(query.split("&")).anyMatch(part -> part.split("=", 2)[0].equals(flag));
	}

	/** What every template gets: the language, where the page is, the form's CSRF token. */
	private Map<String, Object> model(HttpServletRequest request, CsrfToken csrf) {
		Map<String, Object> model = new HashMap<>();
		model.put("lang", lang);
		model.put("base", request.getContextPath() + AdminSecurity.PAGE);
		model.put("title", title);
		if (csrf != null) {
			model.put("csrf", csrf);
		}
		return model;
	}

}
