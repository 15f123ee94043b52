package org.newsletter.web;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.newsletter.config.NewsletterProperties;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The page for every error Tomcat or Spring MVC answers (400, 404, 405, 413, 500...), in the
 * site's style and in place of Spring Boot's: the status and a sentence, never an exception,
 * a class name or a stack trace (those go to the log).
 */
@Controller
class ErrorPages implements ErrorController {

	private final String lang;

	ErrorPages(NewsletterProperties properties) {
		this.lang = properties.locale().toLanguageTag();
	}

	@RequestMapping("${server.error.path:/error}")
	ResponseEntity<String> error(HttpServletRequest request) {
		HttpStatusCode status = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code
				? HttpStatusCode.valueOf(code) : HttpStatus.INTERNAL_SERVER_ERROR;
		String archive = Pages.escape(request.getContextPath() + "/archive/");
		if (status.value() == 404) {
			return Pages.answer(status, lang, "Not found", "<p>There is no such page. <a href=\"" + archive
					+ "\">All issues</a></p>");
		}
		String title = switch (status.value()) {
			case 400 -> "Bad request";
			case 405 -> "Method not allowed";
			case 413 -> "Request too large";
			default -> status.is5xxServerError() ? "Something went wrong" : "Request refused";
		};
		return Pages.answer(status, lang, title, status.is5xxServerError() ? "<p>Please try again later.</p>"
				: "<p>This address does not answer that request. <a href=\"" + archive + "\">All issues</a></p>");
	}
}
