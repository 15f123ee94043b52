package org.newsletter.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.newsletter.config.BadInputException;
import org.newsletter.delivery.MessageSenders;
import org.newsletter.job.SendWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * {@code worker}: sends the send step's partitions of remote runs ({@code newsletter.send.remote=true})
 * until stopped, over its own SMTP connections. Spring starts the worker with the application
 * ({@link Launcher} turns on its profile, {@code job.RemoteSendConfig}); the command says who it is
 * and waits for the application to close (Ctrl-C, SIGTERM), as {@code serve} does. No web server.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
		header = "Sends partitions of remote runs (newsletter.send.remote=true) from any host, until stopped.",
		description = { "Takes the send partitions that a run with newsletter.send.remote=true puts into the "
				+ "PostgreSQL database (spring.datasource.*), newsletter.send.connections at a time, and sends each over "
				+ "an SMTP connection of its own (spring.mail.*: each host may use its own relay). Every host needs the "
				+ "same database and the same message settings (newsletter.from, base-url, unsubscribe-secret, dkim) as "
				+ "the run; a worker with other settings refuses to send.",
				"",
				"Ctrl-C or SIGTERM: no new partition is taken; those being sent stop after the message in flight on "
						+ "each connection, recorded, and restart (or serve's next start) sends the rest." },
		footer = { "", "Example:",
				"  SPRING_DATASOURCE_URL=jdbc:postgresql://db.example.org/newsletter \\",
				"  SPRING_MAIL_HOST=smtp1.example.org NEWSLETTER_UNSUBSCRIBE_SECRET=... \\",
				"  ./newsletter worker" })
class WorkerCommand implements Callable<Integer> {

	@Spec
	CommandSpec spec;

	private final ApplicationContext context;

	/** Only a worker process has one; picocli makes every command object in every process. */
	private final ObjectProvider<SendWorker> worker;

	private final MessageSenders senders;

	private final ObjectProvider<JavaMailSender> mail;

	WorkerCommand(ApplicationContext context, ObjectProvider<SendWorker> worker, MessageSenders senders, ObjectProvider<JavaMailSender> mail) {
		this.context = context;
		this.worker = worker;
		this.senders = senders;
		this.mail = mail;
	}

	@Override
	public Integer call() throws InterruptedException {
		if (!senders.smtpConfigured()) {
			throw new BadInputException("a worker sends over SMTP, and no spring.mail.host is set (SPRING_MAIL_HOST=...)");
		}
		PrintWriter out = spec.commandLine().getOut();
		SendWorker worker = this.worker.getObject();
		var closed = new CountDownLatch(1);
		ApplicationListener<ContextClosedEvent> listener = event -> closed.countDown();
		((ConfigurableApplicationContext) context).addApplicationListener(listener);
		worker.printTo(out);
		out.println("Worker " + worker.id() + " takes send partitions, " + worker.connections() + " at a time, each over "
				+ "its own connection to " + destination() + ".");
		out.println("Stop it with Ctrl-C or SIGTERM.");
		out.flush();
		if (((ConfigurableApplicationContext) context).isActive()) {
			closed.await();
		}
		return ExitCodes.OK;
	}

	private String destination() {
		JavaMailSenderImpl smtp = (JavaMailSenderImpl) mail.getObject();
		return "SMTP " + smtp.getHost() + ":" + (smtp.getPort() > 0 ? smtp.getPort() : 25);
	}
}
