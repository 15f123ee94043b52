package org.newsletter.issue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.helger.css.decl.CSSDeclaration;
import com.helger.css.decl.CSSDeclarationList;
import com.helger.css.decl.CSSSelector;
import com.helger.css.decl.CSSSelectorAttribute;
import com.helger.css.decl.CSSSelectorMemberFunctionLike;
import com.helger.css.decl.CSSSelectorMemberNot;
import com.helger.css.decl.CSSSelectorMemberPseudoHas;
import com.helger.css.decl.CSSSelectorMemberPseudoIs;
import com.helger.css.decl.CSSSelectorMemberPseudoWhere;
import com.helger.css.decl.CSSSelectorSimpleMember;
import com.helger.css.decl.CSSStyleRule;
import com.helger.css.decl.CascadingStyleSheet;
import com.helger.css.decl.ECSSAttributeOperator;
import com.helger.css.decl.ECSSSelectorCombinator;
import com.helger.css.decl.ICSSSelectorMember;
import com.helger.css.decl.ICSSTopLevelRule;
import com.helger.css.reader.CSSReader;
import com.helger.css.reader.CSSReaderDeclarationList;
import com.helger.css.reader.errorhandler.DoNothingCSSParseErrorHandler;
import com.helger.css.writer.CSSWriter;
import com.helger.css.writer.CSSWriterSettings;
import org.jsoup.Jsoup;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;
import org.jsoup.select.Selector;

/**
 * Copies the rules of an HTML document's {@code <style>} blocks into the {@code style}
 * attributes of the elements they select, because several mail clients drop or ignore
 * stylesheets. The cascade is kept: {@code !important} first, then an element's own
 * {@code style} attribute, then selector specificity, then the later rule. What cannot be
 * inlined stays in one {@code <style>} block in the head: at-rules ({@code @media} and the
 * like) and selectors that depend on state ({@code :hover}, {@code ::before}, ...); a rule
 * that selects nothing is dropped. Since inlined styles beat a stylesheet, the declarations
 * of a kept {@code @media} rule need {@code !important} to take effect; inlined declarations
 * carry no {@code !important}, so they can.
 */
final class CssInliner {

	/** Pseudo-classes that depend only on the document, so jsoup can select them once. */
	private static final Set<String> STRUCTURAL_PSEUDO_CLASSES = Set.of("first-child", "last-child", "only-child",
			"first-of-type", "last-of-type", "only-of-type", "nth-child", "nth-last-child", "nth-of-type",
			"nth-last-of-type", "not", "is", "where", "has", "empty", "root");

	private static final CSSWriterSettings WRITER = new CSSWriterSettings(false);

	private CssInliner() {
	}

	/** {@code html} with its stylesheets inlined; it is returned unchanged when it has none. */
	static String inline(String html) {
		Document document = Jsoup.parse(html);
		document.outputSettings().prettyPrint(false);
		List<Element> styleElements = document.select("style");
		if (styleElements.isEmpty()) {
			return html;
		}
		List<CascadingStyleSheet> sheets = new ArrayList<>();
		for (Element style : styleElements) {
			CascadingStyleSheet sheet = CSSReader.readFromString(style.data());
			if (sheet == null) {
				throw new IllegalArgumentException("the stylesheet of the HTML template cannot be parsed");
			}
			sheets.add(sheet);
		}
		Map<CSSSelector, List<Element>> selected = select(document, sheets);
		var cascade = new IdentityHashMap<Element, Map<String, Declaration>>();
		var kept = new CascadingStyleSheet();
		int order = 0;
		for (CascadingStyleSheet sheet : sheets) {
			for (ICSSTopLevelRule rule : sheet.getAllRules()) {
				if (rule instanceof CSSStyleRule styleRule) {
					order = apply(styleRule, selected, order, cascade, kept);
				}
				else {
					kept.addRule(rule);
				}
			}
		}
		cascade.forEach(CssInliner::writeStyle);
		replaceStylesheets(document, styleElements, kept);
		return document.outerHtml();
	}

	/** Applies each selector of {@code rule} that can be inlined; keeps the others. */
	private static int apply(CSSStyleRule rule, Map<CSSSelector, List<Element>> selections, int order,
			Map<Element, Map<String, Declaration>> cascade, CascadingStyleSheet kept) {
		var notInlined = new CSSStyleRule();
		for (CSSSelector selector : rule.getAllSelectors()) {
			List<Element> selected = selections.get(selector);
			if (selected == null) {
				notInlined.addSelector(selector);
				continue;
			}
			// the rule's declarations as this selector brings them, made once for every element it selects
			Specificity specificity = Specificity.of(selector);
			List<Declaration> brought = new ArrayList<>();
			for (CSSDeclaration declaration : rule.getAllDeclarations()) {
				brought.add(Declaration.fromSheet(declaration, specificity, order + brought.size()));
			}
			for (Element element : selected) {
				Map<String, Declaration> declarations = cascade.computeIfAbsent(element, e -> new LinkedHashMap<>());
				brought.forEach(declaration -> put(declarations, declaration));
			}
		}
		if (notInlined.hasSelectors()) {
			rule.getAllDeclarations().forEach(notInlined::addDeclaration);
			kept.addRule(notInlined);
		}
		return order + rule.getDeclarationCount();
	}

	/**
	 * The elements of the body each inlinable selector of the sheets selects, in document order,
	 * found in one walk of the body for all of them rather than one walk each (an issue of
	 * thousands of entries has a hundred thousand elements). A selector jsoup cannot read, or
	 * that cannot be inlined, has no entry.
	 */
	static Map<CSSSelector, List<Element>> select(Document document, List<CascadingStyleSheet> sheets) {
		List<CSSSelector> selectors = new ArrayList<>();
		List<Evaluator> evaluators = new ArrayList<>();
		for (CascadingStyleSheet sheet : sheets) {
			for (CSSStyleRule rule : sheet.getAllStyleRules()) {
				for (CSSSelector selector : rule.getAllSelectors()) {
					if (inlinable(selector)) {
						try {
							evaluators.add(QueryParser.parse(selector.getAsCSSString(WRITER, 0)));
							selectors.add(selector);
						}
						catch (Selector.SelectorParseException ex) {
							// not one jsoup reads: kept in the stylesheet
						}
					}
				}
			}
		}
		List<List<Element>> found = new ArrayList<>();
		selectors.forEach(selector -> found.add(new ArrayList<>()));
		for (Element element : document.body().getAllElements()) {
			for (int i = 0; i < evaluators.size(); i++) {
				if (evaluators.get(i).matches(document, element)) {
					found.get(i).add(element);
				}
			}
		}
		Map<CSSSelector, List<Element>> selections = new IdentityHashMap<>();
		for (int i = 0; i < selectors.size(); i++) {
			selections.put(selectors.get(i), found.get(i));
		}
		return selections;
	}

	private static void put(Map<String, Declaration> declarations, Declaration candidate) {
		declarations.merge(candidate.property(), candidate,
				(current, next) -> Declaration.CASCADE.compare(next, current) > 0 ? next : current);
	}

	/**
	 * Writes the winners as the element's style attribute, in cascade order, so a longhand
	 * after its shorthand (and any later winner) still wins where both are kept.
	 */
	private static void writeStyle(Element element, Map<String, Declaration> declarations) {
		String own = element.attr("style").strip();
		String suffix = "";
		if (!own.isEmpty()) {
			CSSDeclarationList parsed = CSSReaderDeclarationList.readFromString(own,
					new DoNothingCSSParseErrorHandler(), ex -> { });
			if (parsed == null) {
				// unreadable: kept verbatim and last, where it still beats the stylesheet
				suffix = own;
			}
			else {
				int position = 0;
				for (CSSDeclaration declaration : parsed.getAllDeclarations()) {
					put(declarations, Declaration.fromStyleAttribute(declaration, position++));
				}
			}
		}
		var style = new StringBuilder();
		declarations.values()
			.stream()
			.sorted(Declaration.CASCADE)
			.forEach(d -> style.append(style.isEmpty() ? "" : ";").append(d.property()).append(':').append(d.value()));
		if (!suffix.isEmpty()) {
			style.append(style.isEmpty() ? "" : ";").append(suffix);
		}
		element.attr("style", style.toString());
	}

	private static void replaceStylesheets(Document document, List<Element> styleElements, CascadingStyleSheet kept) {
		styleElements.forEach(Element::remove);
		if (kept.hasRules()) {
			String css = new CSSWriter(WRITER).setWriteHeaderText(false).getCSSAsString(kept);
			document.head().appendElement("style").appendChild(new DataNode("\n" + css));
		}
	}

	/**
	 * Whether the selector means the same once, at render time, as in a live document: no
	 * state (hover, focus, visited), no pseudo-elements, no shadow DOM, no attribute operator
	 * jsoup reads differently ({@code ~=} and {@code |=}).
	 */
	static boolean inlinable(CSSSelector selector) {
		return selector.getAllMembers().stream().allMatch(CssInliner::inlinable);
	}

	private static boolean inlinable(ICSSSelectorMember member) {
		if (member instanceof CSSSelectorSimpleMember simple) {
			return !simple.isPseudo() || structural(simple.getValue());
		}
		if (member instanceof CSSSelectorAttribute attribute) {
			return attribute.getOperator() != ECSSAttributeOperator.INCLUDES
					&& attribute.getOperator() != ECSSAttributeOperator.DASHMATCH;
		}
		if (member instanceof CSSSelectorMemberFunctionLike function) {
			return structural(function.getFunctionName());
		}
		List<CSSSelector> nested = nested(member);
		if (nested != null) {
			return nested.stream().allMatch(CssInliner::inlinable);
		}
		return member instanceof ECSSSelectorCombinator;
	}

	/** The selectors inside :not(), :is(), :where() or :has(); null for any other member. */
	private static List<CSSSelector> nested(ICSSSelectorMember member) {
		if (member instanceof CSSSelectorMemberNot not) {
			return not.getAllSelectors();
		}
		if (member instanceof CSSSelectorMemberPseudoIs is) {
			return is.getAllSelectors();
		}
		if (member instanceof CSSSelectorMemberPseudoWhere where) {
			return where.getAllSelectors();
		}
		if (member instanceof CSSSelectorMemberPseudoHas has) {
			return has.getAllSelectors();
		}
		return null;
	}

	private static boolean structural(String pseudo) {
		if (pseudo.startsWith("::")) {
			return false;
		}
		String name = pseudo.replaceFirst("^:", "").replaceFirst("\\(.*", "").toLowerCase(Locale.ROOT);
		return STRUCTURAL_PSEUDO_CLASSES.contains(name);
	}

	/** A selector's specificity: ids, then classes/attributes/pseudo-classes, then element names. */
	record Specificity(int ids, int classes, int types) implements Comparable<Specificity> {

		static final Specificity NONE = new Specificity(0, 0, 0);

		private static final Comparator<Specificity> ORDER = Comparator.comparingInt(Specificity::ids)
			.thenComparingInt(Specificity::classes)
			.thenComparingInt(Specificity::types);

		static Specificity of(CSSSelector selector) {
			Specificity total = NONE;
			for (ICSSSelectorMember member : selector.getAllMembers()) {
				total = total.plus(of(member));
			}
			return total;
		}

		private static Specificity of(ICSSSelectorMember member) {
			if (member instanceof CSSSelectorSimpleMember simple) {
				return ofSimple(simple);
			}
			if (member instanceof CSSSelectorAttribute || member instanceof CSSSelectorMemberFunctionLike) {
				return new Specificity(0, 1, 0);
			}
			// :not(), :is() and :has() count as their most specific argument, :where() as nothing
			List<CSSSelector> nested = member instanceof CSSSelectorMemberPseudoWhere ? null : nested(member);
			return nested == null ? NONE : max(nested);
		}

		private static Specificity ofSimple(CSSSelectorSimpleMember simple) {
			if (simple.isHash()) {
				return new Specificity(1, 0, 0);
			}
			if (simple.isClass()) {
				return new Specificity(0, 1, 0);
			}
			if (simple.isPseudo()) {
				return simple.getValue().startsWith("::") ? new Specificity(0, 0, 1) : new Specificity(0, 1, 0);
			}
			return simple.getValue().endsWith("*") ? NONE : new Specificity(0, 0, 1);
		}

		private static Specificity max(List<CSSSelector> selectors) {
			return selectors.stream().map(Specificity::of).max(ORDER).orElse(NONE);
		}

		Specificity plus(Specificity other) {
			return new Specificity(ids + other.ids, classes + other.classes, types + other.types);
		}

		@Override
		public int compareTo(Specificity other) {
			return ORDER.compare(this, other);
		}
	}

	/**
	 * One declaration competing for an element's property.
	 *
	 * @param ownStyle it comes from the element's own style attribute
	 * @param order its position among the declarations of its origin
	 */
	private record Declaration(String property, String value, boolean important, boolean ownStyle,
			Specificity specificity, int order) {

		/** Ascending: the last one wins. */
		static final Comparator<Declaration> CASCADE = Comparator.comparing(Declaration::important)
			.thenComparing(Declaration::ownStyle)
			.thenComparing(Declaration::specificity)
			.thenComparingInt(Declaration::order);

		static Declaration fromSheet(CSSDeclaration declaration, Specificity specificity, int order) {
			return new Declaration(name(declaration), declaration.getExpressionAsCSSString(), declaration.isImportant(),
					false, specificity, order);
		}

		static Declaration fromStyleAttribute(CSSDeclaration declaration, int order) {
			return new Declaration(name(declaration), declaration.getExpressionAsCSSString(), declaration.isImportant(),
					true, Specificity.NONE, order);
		}

		private static String name(CSSDeclaration declaration) {
			String property = declaration.getProperty();
			// custom properties are case-sensitive, every other property name is not
			return property.startsWith("--") ? property : property.toLowerCase(Locale.ROOT);
		}
	}
}
