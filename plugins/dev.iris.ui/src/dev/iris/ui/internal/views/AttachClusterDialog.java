package dev.iris.ui.internal.views;

import dev.iris.runtime.security.NodeCredentials;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.TitleAreaDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

/**
 * Asks where a running cluster's monitors are: the cluster's name, the monitors' addresses and the
 * credentials to show them (a directory with {@code ca.pem}, {@code node.pem} and
 * {@code node-key.pem}, as {@code iris export} writes; empty for nodes without TLS). Says what is
 * wrong with an entry before it lets the dialog close.
 */
final class AttachClusterDialog extends TitleAreaDialog {
    /** What the person entered, checked. */
    record Target(String cluster, List<InetSocketAddress> monitors, Path credentials) {
    }

    private Text cluster;
    private Text monitors;
    private Text credentials;
    private Target target;

    AttachClusterDialog(Shell shell) {
        super(shell);
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        setTitle(Messages.AttachClusterDialog_title);
        setMessage(Messages.AttachClusterDialog_message);
        Composite area = (Composite) super.createDialogArea(parent);
        Composite fields = new Composite(area, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(2).applyTo(fields);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(fields);
        cluster = field(fields, Messages.AttachClusterDialog_cluster, "local");
        monitors = field(fields, Messages.AttachClusterDialog_monitors, "127.0.0.1:7301, 127.0.0.1:7302");
        credentials = field(fields, Messages.AttachClusterDialog_credentials, "");
        return area;
    }

    private static Text field(Composite parent, String label, String value) {
        new Label(parent, SWT.NONE).setText(label);
        Text text = new Text(parent, SWT.BORDER);
        text.setText(value);
        GridDataFactory.fillDefaults().grab(true, false).hint(360, SWT.DEFAULT).applyTo(text);
        return text;
    }

    @Override
    protected void buttonPressed(int id) {
        if (id == IDialogConstants.OK_ID) {
            try {
                target = parse(cluster.getText(), monitors.getText(), credentials.getText());
            } catch (IllegalArgumentException e) {
                setErrorMessage(e.getMessage());
                return;
            }
        }
        super.buttonPressed(id);
    }

    /** The entries, checked; the exception says which is wrong and how. */
    static Target parse(String cluster, String monitors, String credentials) {
        if (cluster.isBlank()) {
            throw new IllegalArgumentException("name the cluster (its nodes refuse another)");
        }
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (String entry : monitors.split("[,\\s]+")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            try {
                addresses.add(new InetSocketAddress(entry.substring(0, colon), Integer.parseInt(entry.substring(colon
                        + 1))));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + entry + "' is not host:port");
            }
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("give the address of at least one monitor (host:port)");
        }
        Path dir = credentials.isBlank() ? null : Path.of(credentials.strip());
        if (dir != null && !NodeCredentials.present(dir)) {
            throw new IllegalArgumentException(dir + " holds no credentials (ca.pem, node.pem, node-key.pem)");
        }
        return new Target(cluster.strip(), List.copyOf(addresses), dir);
    }

    /** What was entered, once OK closed the dialog. */
    Target target() {
        return target;
    }
}
