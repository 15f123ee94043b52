package org.newsletter.admin;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import freemarker.cache.ClassTemplateLoader;
import freemarker.template.Configuration;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Conditional;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * The operator page's HTML from its FreeMarker templates ({@code .ftlh} beside this class, in
 * the jar: auto-escaped HTML, no script), answered never cached.
 */
@Component
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@Conditional(AdminEnabled.class)
class AdminTemplates {

	private final Configuration freemarker = new Configuration(Configuration.VERSION_2_3_34);

	AdminTemplates() {
		freemarker.setTemplateLoader(new ClassTemplateLoader(AdminTemplates.class, ""));
		freemarker.setDefaultEncoding("UTF-8");
		freemarker.setLocale(Locale.ENGLISH); // the page is in English: 1,234
		freemarker.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
		freemarker.setLogTemplateExceptions(false);
		freemarker.setWrapUncheckedExceptions(true);
		freemarker.setFallbackOnNullLoopVariable(false);
	}

	/** Template {@code name} filled in with {@code model}, as an answer with {@code status}. */
	ResponseEntity<String> answer(HttpStatusCode status, String name, Map<String, ?> model) {
		StringWriter html = new StringWriter();
		try {
			freemarker.getTemplate(name).process(model, html);
		}
		catch (IOException | TemplateException ex) {
			throw new IllegalStateException("the operator page's template " + name + " failed: " + ex.getMessage(), ex);
		}
		return ResponseEntity.status(status)
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.header("Cache-Control", "no-store")
			.body(html.toString());
	}
}
